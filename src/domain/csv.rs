//! Comma-separated values as user import files use them (RFC 4180): fields separated by commas,
//! optionally quoted with `"` (a quote inside doubled), records ending with CRLF or LF; a UTF-8 BOM at
//! the start is ignored.

/// The records of `text`, each a list of fields; blank lines are skipped. `Err` names the line of a
/// quote that never closes.
pub fn parse(text: &str) -> Result<Vec<Vec<String>>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1;
    let mut quote_line = 0;
    let mut chars = text.chars().peekable();
    let mut touched = false;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                quote_line = line;
                touched = true;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                touched = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                line += 1;
                if touched || !field.is_empty() {
                    record.push(std::mem::take(&mut field));
                    records.push(std::mem::take(&mut record));
                }
                touched = false;
            }
            _ => {
                field.push(c);
                touched = true;
            }
        }
    }
    if quoted {
        return Err(format!(
            "a quoted field opened on line {quote_line} never closes"
        ));
    }
    if touched || !field.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_quoted_and_crlf_records() {
        let text = "\u{feff}a,b,c\r\n1,\"x, \"\"y\"\"\",\n\n\"multi\nline\",2,3";
        assert_eq!(
            parse(text).unwrap(),
            vec![
                vec!["a", "b", "c"],
                vec!["1", "x, \"y\"", ""],
                vec!["multi\nline", "2", "3"],
            ]
        );
        assert!(parse("a,\"b\n").unwrap_err().contains("line 1"));
        assert_eq!(parse("").unwrap(), Vec::<Vec<String>>::new());
    }
}
