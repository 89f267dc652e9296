//! Line reading for the supplies: bytes in, numbered lines of text out.
//!
//! - Lines are split on LF; one trailing CR is dropped, so CR LF and LF files read identically.
//! - [`Encoding::Latin1`] maps every byte to the code point of the same value (ISO 8859-1, the
//!   census and CXF files); [`Encoding::Utf8`] skips a leading byte-order mark and reports a line
//!   that is not valid UTF-8 as a diagnostic instead of returning it.
//! - A line longer than the reader's cap is reported and skipped (the reader resynchronises at
//!   the next LF), so a file without line breaks never makes the reader allocate without bound.

use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// Character encoding of a text supply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// ISO 8859-1: one byte, one character
    Latin1,
    /// UTF-8, optional BOM
    Utf8,
}

/// Default cap on one line's length in bytes.
pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

/// One line of text with its 1-based number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number
    pub number: u64,
    /// the text, without CR/LF
    pub text: String,
}

/// Iterator over the lines of a supply file.
pub struct LineReader<R> {
    input: R,
    file: PathBuf,
    encoding: Encoding,
    max_line: usize,
    number: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> LineReader<R> {
    /// Reads `input` (named `file` in diagnostics) in `encoding`.
    pub fn new(input: R, file: &Path, encoding: Encoding) -> Self {
        Self {
            input,
            file: file.to_path_buf(),
            encoding,
            max_line: DEFAULT_MAX_LINE,
            number: 0,
            buf: Vec::new(),
            done: false,
        }
    }

    /// Changes the cap on one line's length.
    #[must_use]
    pub fn with_max_line(mut self, max_line: usize) -> Self {
        self.max_line = max_line.max(1);
        self
    }

    /// Reads up to and including the next LF into `self.buf`, keeping at most `max_line + 2`
    /// bytes; returns (bytes consumed, whether the line was cut).
    fn fill_line(&mut self) -> std::io::Result<(usize, bool)> {
        self.buf.clear();
        let mut consumed = 0;
        let mut cut = false;
        loop {
            let available = match self.input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok((consumed, cut));
            }
            let (chunk, found) = match available.iter().position(|&b| b == b'\n') {
                Some(i) => (&available[..=i], true),
                None => (available, false),
            };
            let room = (self.max_line + 2).saturating_sub(self.buf.len());
            if chunk.len() > room {
                cut = true;
            }
            self.buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
            let n = chunk.len();
            consumed += n;
            self.input.consume(n);
            if found {
                return Ok((consumed, cut));
            }
        }
    }
}

impl<R: BufRead> Iterator for LineReader<R> {
    type Item = Result<Line, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (consumed, cut) = match self.fill_line() {
            Ok(v) => v,
            Err(e) => {
                self.done = true;
                return Some(Err(Diagnostic::rejected(
                    &self.file,
                    self.number + 1,
                    None,
                    format!("the file cannot be read further: {e}"),
                )));
            }
        };
        if consumed == 0 {
            self.done = true;
            return None;
        }
        self.number += 1;
        if cut {
            return Some(Err(Diagnostic::rejected(
                &self.file,
                self.number,
                None,
                format!("line longer than {} bytes", self.max_line),
            )));
        }
        let mut bytes: &[u8] = &self.buf;
        if let [rest @ .., b'\n'] = bytes {
            bytes = rest;
        }
        if let [rest @ .., b'\r'] = bytes {
            bytes = rest;
        }
        if self.number == 1 && self.encoding == Encoding::Utf8 {
            bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
        }
        if bytes.len() > self.max_line {
            return Some(Err(Diagnostic::rejected(
                &self.file,
                self.number,
                None,
                format!("line longer than {} bytes", self.max_line),
            )));
        }
        let text = match self.encoding {
            Encoding::Latin1 => bytes.iter().map(|&b| char::from(b)).collect(),
            Encoding::Utf8 => match std::str::from_utf8(bytes) {
                Ok(s) => s.to_owned(),
                Err(e) => {
                    return Some(Err(Diagnostic::rejected(
                        &self.file,
                        self.number,
                        None,
                        format!("not valid UTF-8 (byte {} of the line)", e.valid_up_to() + 1),
                    )));
                }
            },
        };
        Some(Ok(Line {
            number: self.number,
            text,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8], encoding: Encoding, max: usize) -> Vec<Result<Line, Diagnostic>> {
        LineReader::new(input, Path::new("f.txt"), encoding)
            .with_max_line(max)
            .collect()
    }

    #[test]
    fn crlf_and_lf_read_identically() {
        let a: Vec<_> = lines(b"a|b|\r\nc|\r\n", Encoding::Latin1, 100);
        let b: Vec<_> = lines(b"a|b|\nc|", Encoding::Latin1, 100);
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn latin1_maps_bytes_to_code_points() {
        let got = lines(b"CITT\xC0 \xB0\r\n", Encoding::Latin1, 100);
        assert_eq!(got[0].as_ref().unwrap().text, "CITTÀ °");
    }

    #[test]
    fn utf8_skips_bom_and_reports_bad_lines() {
        let got = lines(b"\xEF\xBB\xBFa;b\nbad\xFF\nok\n", Encoding::Utf8, 100);
        assert_eq!(got[0].as_ref().unwrap().text, "a;b");
        let err = got[1].as_ref().unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.reason.contains("UTF-8"));
        assert_eq!(got[2].as_ref().unwrap().text, "ok");
    }

    #[test]
    fn overlong_lines_are_reported_and_skipped() {
        let mut input = vec![b'x'; 1000];
        input.extend_from_slice(b"\nshort\n");
        let got = lines(&input, Encoding::Latin1, 10);
        assert!(got[0].is_err());
        assert_eq!(
            got[1].as_ref().unwrap(),
            &Line {
                number: 2,
                text: "short".into()
            }
        );
    }

    #[test]
    fn empty_input_has_no_lines() {
        assert!(lines(b"", Encoding::Utf8, 10).is_empty());
    }
}
