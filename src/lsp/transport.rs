//! The base protocol: `Content-Length` framed JSON-RPC messages over a byte stream.
//!
//! `lsp-server` reads frames too, but it sizes its buffer from the header before reading a
//! byte of the body (a hostile `Content-Length` allocates that much) and ends the
//! connection on the first body that is not a message. This reader keeps headers short,
//! skips an over-long body without holding it, and hands on a malformed body as such, so
//! that the server answers with a JSON-RPC error and goes on.

use std::io::{self, BufRead, Read, Write};

use lsp_server::Message;
use renkei_model::read::MAX_SOURCE_FILE_BYTES;

/// The longest header line read; real ones are some thirty bytes.
const MAX_HEADER_BYTES: u64 = 1024;

/// The largest message read: a buffer at the file size limit, escaped as JSON, fits; a
/// larger one is skipped without being held.
pub(crate) const MAX_FRAME_BYTES: u64 = 4 * MAX_SOURCE_FILE_BYTES;

/// What one frame held.
#[derive(Debug)]
pub(crate) enum Incoming {
    /// A JSON-RPC request, response or notification.
    Message(Message),
    /// A body that is no message: JSON-RPC's error code for it, and why.
    Malformed(i32, String),
}

/// The next frame of `input`; `None` at the end of the stream. An error means the framing
/// itself is lost (a header line too long or without `Content-Length`), after which
/// nothing more can be read.
pub(crate) fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    let mut length = None;
    let mut headers = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let read = input
            .by_ref()
            .take(MAX_HEADER_BYTES)
            .read_until(b'\n', &mut line)?;
        if read == 0 {
            return if headers == 0 {
                Ok(None)
            } else {
                Err(invalid("the stream ended inside a message's headers"))
            };
        }
        if !line.ends_with(b"\n") {
            return Err(invalid("a header line longer than 1 KiB"));
        }
        let header = String::from_utf8_lossy(&line);
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            if headers == 0 {
                // Blank lines between frames are tolerated, as a client's stray newline.
                continue;
            }
            break;
        }
        headers += 1;
        let Some((name, value)) = header.split_once(':') else {
            return Err(invalid(&format!(
                "a header that is not `Name: value`: {header:?}"
            )));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            let parsed = value.trim().parse::<u64>().map_err(|_| {
                invalid(&format!("a Content-Length that is not a number: {value:?}"))
            })?;
            length = Some(parsed);
        }
    }
    let Some(length) = length else {
        return Err(invalid("a message without a Content-Length header"));
    };
    if length > MAX_FRAME_BYTES {
        let skipped = io::copy(&mut input.by_ref().take(length), &mut io::sink())?;
        if skipped < length {
            return Err(invalid("the stream ended inside a message"));
        }
        return Ok(Some(Incoming::Malformed(
            lsp_server::ErrorCode::InvalidRequest as i32,
            format!(
                "a message of {length} bytes, over the {MAX_FRAME_BYTES} bytes renkei reads; it was skipped"
            ),
        )));
    }
    let mut body = Vec::new();
    input.by_ref().take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Err(invalid("the stream ended inside a message"));
    }
    Ok(Some(parse(&body)))
}

fn parse(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return Incoming::Malformed(
                lsp_server::ErrorCode::ParseError as i32,
                format!("the message is not JSON: {error}"),
            );
        }
    };
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(error) => Incoming::Malformed(
            lsp_server::ErrorCode::InvalidRequest as i32,
            format!("the message is no JSON-RPC request, response or notification: {error}"),
        ),
    }
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

/// Writes `message` as one frame and flushes it.
pub(crate) fn write(output: &mut impl Write, message: &Message) -> io::Result<()> {
    write_body(
        output,
        &serde_json::to_vec(&Framed {
            jsonrpc: "2.0",
            message,
        })?,
    )
}

#[derive(serde::Serialize)]
struct Framed<'m> {
    jsonrpc: &'static str,
    #[serde(flatten)]
    message: &'m Message,
}

/// The error response to a message that could not be read: JSON-RPC sends it with a null
/// id, since the request's own could not be known.
pub(crate) fn write_unreadable(
    output: &mut impl Write,
    code: i32,
    message: &str,
) -> io::Result<()> {
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    });
    write_body(output, &serde_json::to_vec(&body)?)
}

fn write_body(output: &mut impl Write, body: &[u8]) -> io::Result<()> {
    write!(output, "Content-Length: {}\r\n\r\n", body.len())?;
    output.write_all(body)?;
    output.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn reads_messages_and_hands_on_malformed_bodies() {
        let stream = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}"#),
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":true}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
        ]
        .concat();
        let mut input = stream.as_bytes();
        let mut seen = Vec::new();
        while let Some(incoming) = read(&mut input).ok().flatten() {
            seen.push(match incoming {
                Incoming::Message(Message::Request(request)) => request.method,
                Incoming::Message(Message::Notification(notification)) => notification.method,
                Incoming::Message(Message::Response(_)) => "response".into(),
                Incoming::Malformed(code, _) => code.to_string(),
            });
        }
        assert_eq!(seen, ["initialize", "-32700", "-32600", "exit"]);
    }

    #[test]
    fn a_huge_length_is_skipped_not_allocated() {
        let huge = MAX_FRAME_BYTES + 1;
        let stream = format!("Content-Length: {huge}\r\n\r\n");
        let mut input = stream.as_bytes();
        // The body is announced but not there: the framing is lost, nothing was held.
        assert!(read(&mut input).is_err());
    }

    #[test]
    fn lost_framing_is_an_error() {
        for stream in [
            "Content-Type: x\r\n\r\n{}".to_string(),
            format!("X-Long: {}\r\n", "a".repeat(2000)),
            "Content-Length: ten\r\n\r\n".to_string(),
        ] {
            assert!(read(&mut stream.as_bytes()).is_err(), "{stream:.40}");
        }
        assert!(read(&mut "".as_bytes()).is_ok_and(|read| read.is_none()));
    }

    #[test]
    fn writes_a_frame_the_reader_reads() {
        let mut written = Vec::new();
        let notification = lsp_server::Notification::new("exit".into(), serde_json::Value::Null);
        assert!(write(&mut written, &Message::Notification(notification)).is_ok());
        let read = read(&mut written.as_slice()).ok().flatten();
        assert!(
            matches!(read, Some(Incoming::Message(Message::Notification(n))) if n.method == "exit")
        );
    }
}
