//! Exclusive XML Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/) of one element's subtree,
//! the only document subset SAML signatures use (a same-document `#ID` reference, optionally minus the
//! enveloped `Signature` element, or the `SignedInfo` element).
//!
//! The tree comes from roxmltree, which already did what an XML 1.0 parser must before C14N: line-end
//! normalisation, attribute-value normalisation, character and entity references, CDATA merged into text.
//! Prefixes are read back from the source text (`range_qname`), because C14N keeps the document's own
//! prefixes and roxmltree only keeps namespace URIs.

use roxmltree::{Node, NodeId, NodeType};

/// Options of one canonicalisation.
#[derive(Default, Clone, Debug)]
pub struct Options {
    /// The `InclusiveNamespaces PrefixList` (`#default` stands for the default namespace).
    pub inclusive_prefixes: Vec<String>,
    /// `xml-exc-c14n#WithComments`.
    pub with_comments: bool,
}

/// The canonical form of `apex`'s subtree, leaving out `exclude` (the enveloped signature) and its subtree.
pub fn canonicalize(source: &str, apex: Node, exclude: Option<NodeId>, opts: &Options) -> String {
    let mut out = String::new();
    // Namespace bindings rendered by output ancestors: (prefix, uri); "" is the default namespace, and
    // the default namespace counts as rendered empty at the start.
    let mut rendered: Vec<(String, String)> = vec![(String::new(), String::new())];
    element(source, apex, exclude, opts, &mut rendered, &mut out);
    out
}

fn qname_prefix(qname: &str) -> &str {
    qname.split_once(':').map(|(p, _)| p).unwrap_or("")
}

/// The element's QName as written in the source (`<ns2:Signature ...` gives `ns2:Signature`).
fn element_qname<'a>(source: &'a str, node: Node) -> &'a str {
    let rest = &source[node.range().start + 1..];
    let end = rest
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(rest.len());
    &rest[..end]
}

fn lookup(rendered: &[(String, String)], prefix: &str) -> Option<String> {
    rendered
        .iter()
        .rev()
        .find(|(p, _)| p == prefix)
        .map(|(_, u)| u.clone())
}

fn element(
    source: &str,
    node: Node,
    exclude: Option<NodeId>,
    opts: &Options,
    rendered: &mut Vec<(String, String)>,
    out: &mut String,
) {
    let qname = element_qname(source, node);
    // Visibly utilised prefixes: the element's own (default namespace when unprefixed) and each prefixed
    // attribute's; plus the InclusiveNamespaces PrefixList that are in scope.
    let mut utilised: Vec<String> = vec![qname_prefix(qname).to_string()];
    for a in node.attributes() {
        let aq = &source[a.range_qname()];
        let p = qname_prefix(aq);
        if !p.is_empty() && !utilised.iter().any(|u| u == p) {
            utilised.push(p.to_string());
        }
    }
    for p in &opts.inclusive_prefixes {
        let p = if p == "#default" { "" } else { p.as_str() };
        let in_scope = if p.is_empty() {
            true
        } else {
            node.lookup_namespace_uri(Some(p)).is_some()
        };
        if in_scope && !utilised.iter().any(|u| u == p) {
            utilised.push(p.to_string());
        }
    }
    let mut decls: Vec<(String, String)> = Vec::new();
    for p in &utilised {
        if p == "xml" {
            continue;
        }
        let uri = if p.is_empty() {
            node.lookup_namespace_uri(None).unwrap_or("").to_string()
        } else {
            match node.lookup_namespace_uri(Some(p)) {
                Some(u) => u.to_string(),
                None => continue, // unbound prefix: roxmltree would not have parsed the document
            }
        };
        let already = lookup(rendered, p);
        let needed = match &already {
            Some(u) => *u != uri,
            None => !uri.is_empty(),
        };
        if needed {
            decls.push((p.clone(), uri));
        }
    }
    decls.sort_by(|a, b| a.0.cmp(&b.0)); // the default namespace ("") sorts first
    let mark = rendered.len();

    out.push('<');
    out.push_str(qname);
    for (p, uri) in &decls {
        if p.is_empty() {
            out.push_str(" xmlns=\"");
        } else {
            out.push_str(" xmlns:");
            out.push_str(p);
            out.push_str("=\"");
        }
        escape_attr(uri, out);
        out.push('"');
        rendered.push((p.clone(), uri.clone()));
    }
    // Attributes sorted by namespace URI (none first), then local name.
    let mut attrs: Vec<_> = node.attributes().collect();
    attrs.sort_by(|a, b| {
        (a.namespace().unwrap_or(""), a.name()).cmp(&(b.namespace().unwrap_or(""), b.name()))
    });
    for a in attrs {
        out.push(' ');
        out.push_str(&source[a.range_qname()]);
        out.push_str("=\"");
        escape_attr(a.value(), out);
        out.push('"');
    }
    out.push('>');

    for child in node.children() {
        if Some(child.id()) == exclude {
            continue;
        }
        match child.node_type() {
            NodeType::Element => element(source, child, exclude, opts, rendered, out),
            NodeType::Text => escape_text(child.text().unwrap_or(""), out),
            NodeType::Comment if opts.with_comments => {
                out.push_str("<!--");
                out.push_str(child.text().unwrap_or(""));
                out.push_str("-->");
            }
            NodeType::PI => {
                if let Some(pi) = child.pi() {
                    out.push_str("<?");
                    out.push_str(pi.target);
                    if let Some(v) = pi.value {
                        out.push(' ');
                        out.push_str(v);
                    }
                    out.push_str("?>");
                }
            }
            _ => {}
        }
    }
    out.push_str("</");
    out.push_str(qname);
    out.push('>');
    rendered.truncate(mark);
}

fn escape_attr(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

fn escape_text(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c14n(xml: &str, id: &str) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap();
        let apex = doc
            .descendants()
            .find(|n| n.attribute("ID") == Some(id))
            .unwrap();
        canonicalize(xml, apex, None, &Options::default())
    }

    #[test]
    fn renders_only_visibly_utilised_namespaces_sorted() {
        let xml = r#"<r:R xmlns:r="urn:r" xmlns:a="urn:a" xmlns:b="urn:b" xmlns:u="urn:unused"><a:E ID="x" b:z="1" y='2&#9;3' a:y="&lt;&quot;"><b:C/>t&amp;&#13;<!-- c --></a:E></r:R>"#;
        assert_eq!(
            c14n(xml, "x"),
            r#"<a:E xmlns:a="urn:a" xmlns:b="urn:b" ID="x" y="2&#x9;3" a:y="&lt;&quot;" b:z="1"><b:C></b:C>t&amp;&#xD;</a:E>"#
        );
    }

    #[test]
    fn default_namespace_and_its_undeclaration() {
        let xml = r#"<R xmlns="urn:d"><E ID="x"><F xmlns=""><G/></F></E></R>"#;
        assert_eq!(
            c14n(xml, "x"),
            r#"<E xmlns="urn:d" ID="x"><F xmlns=""><G></G></F></E>"#
        );
        // An unprefixed apex with no default namespace renders no xmlns="".
        let xml = r#"<R><E ID="x"/></R>"#;
        assert_eq!(c14n(xml, "x"), r#"<E ID="x"></E>"#);
    }

    #[test]
    fn redeclaration_only_when_the_value_changes() {
        let xml =
            r#"<p:E xmlns:p="urn:1" ID="x"><p:F xmlns:p="urn:1"/><p:G xmlns:p="urn:2"/></p:E>"#;
        assert_eq!(
            c14n(xml, "x"),
            r#"<p:E xmlns:p="urn:1" ID="x"><p:F></p:F><p:G xmlns:p="urn:2"></p:G></p:E>"#
        );
    }
}
