//! A minimal HTTP/1.1 keep-alive client.

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// One keep-alive connection; one request in flight at a time.
pub struct Conn {
    pub addr: String,
    stream: Option<TcpStream>,
    pub out: Vec<u8>,
    buf: Vec<u8>,
}

/// An HTTP answer.
pub struct Reply {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// How a non-200 answer is counted: status, `__type` and message.
    pub fn error_key(&self) -> String {
        let v = self.json();
        let text = String::from_utf8_lossy(&self.body);
        let message = v["message"].as_str().unwrap_or(&text);
        let message: String = message.chars().take(160).collect();
        format!(
            "HTTP {} {}: {message}",
            self.status,
            v["__type"].as_str().unwrap_or("(no __type)")
        )
    }
}

pub fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Decodes a complete chunked body; `Ok(None)` while more bytes are needed.
fn dechunk(mut data: &[u8]) -> Result<Option<Vec<u8>>, String> {
    let mut body = Vec::new();
    loop {
        let Some(eol) = find(data, b"\r\n") else {
            return Ok(None);
        };
        let size_text = std::str::from_utf8(&data[..eol]).map_err(|_| "bad chunk size")?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| format!("bad chunk size {size_text:?}"))?;
        data = &data[eol + 2..];
        if size == 0 {
            // Trailers (none expected) end with an empty line.
            return Ok(find(data, b"\r\n").map(|_| body));
        }
        if data.len() < size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

async fn read_more(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<(), String> {
    buf.reserve(16 * 1024);
    match stream.read_buf(buf).await {
        Ok(0) => Err("connection closed by the emulator".into()),
        Ok(_) => Ok(()),
        Err(e) => Err(format!("read: {e}")),
    }
}

impl Conn {
    /// Opens the connection now (so that connecting is not part of the first measured request).
    pub async fn open(addr: &str) -> Conn {
        let mut conn = Conn {
            addr: addr.to_string(),
            stream: None,
            out: Vec::with_capacity(4096),
            buf: Vec::with_capacity(16 * 1024),
        };
        if let Err(e) = conn.connect().await {
            panic!("cannot connect to the emulator at {addr}: {e}");
        }
        conn
    }

    async fn connect(&mut self) -> Result<(), String> {
        let stream = TcpStream::connect(&self.addr)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        stream
            .set_nodelay(true)
            .map_err(|e| format!("nodelay: {e}"))?;
        self.stream = Some(stream);
        Ok(())
    }

    /// Calls an operation; `Err` is a transport failure (the connection is reopened on the next call).
    pub async fn call(&mut self, op: &str, body: &[u8]) -> Result<Reply, String> {
        let out = self.exchange(op, body).await;
        if out.is_err() {
            self.stream = None;
        }
        out
    }

    async fn exchange(&mut self, op: &str, body: &[u8]) -> Result<Reply, String> {
        if self.stream.is_none() {
            self.connect().await?;
        }
        let Conn {
            addr,
            stream,
            out,
            buf,
        } = self;
        let stream = stream.as_mut().expect("connected");
        out.clear();
        out.extend_from_slice(b"POST / HTTP/1.1\r\nHost: ");
        out.extend_from_slice(addr.as_bytes());
        out.extend_from_slice(
            b"\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: AWSCognitoIdentityProviderService.",
        );
        out.extend_from_slice(op.as_bytes());
        out.extend_from_slice(format!("\r\nContent-Length: {}\r\n\r\n", body.len()).as_bytes());
        out.extend_from_slice(body);
        stream
            .write_all(out)
            .await
            .map_err(|e| format!("write: {e}"))?;

        buf.clear();
        let head_end = loop {
            if let Some(p) = find(buf, b"\r\n\r\n") {
                break p + 4;
            }
            read_more(stream, buf).await?;
        };
        let head =
            std::str::from_utf8(&buf[..head_end]).map_err(|_| "response head is not UTF-8")?;
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line in {head:?}"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        for line in lines {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>().map_err(|_| "bad Content-Length")?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.to_ascii_lowercase().contains("chunked");
            } else if name.eq_ignore_ascii_case("connection") {
                close = value.eq_ignore_ascii_case("close");
            }
        }
        let body = if chunked {
            loop {
                if let Some(b) = dechunk(&buf[head_end..])? {
                    break b;
                }
                read_more(stream, buf).await?;
            }
        } else {
            let length = length.ok_or("response without Content-Length")?;
            while buf.len() < head_end + length {
                read_more(stream, buf).await?;
            }
            buf[head_end..head_end + length].to_vec()
        };
        if close {
            self.stream = None;
        }
        Ok(Reply { status, body })
    }

    /// A set-up call that must succeed: panics with the answer otherwise.
    pub async fn ok(&mut self, op: &str, body: Value) -> Value {
        match self.call(op, body.to_string().as_bytes()).await {
            Ok(r) if r.status == 200 => r.json(),
            Ok(r) => panic!("set-up call {op} failed: {}", r.error_key()),
            Err(e) => panic!("set-up call {op} failed: {e}"),
        }
    }
}
