//! Writing supply files: an in-memory file with its line count, encoding (UTF-8 or Latin-1)
//! and line ends, and the lexical forms the supplies use (decimal comma, `DDMMYYYY`, padding).

use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::Path;

use chrono::NaiveDate;

/// Text encoding of a supply file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8
    Utf8,
    /// ISO 8859-1 (characters outside it are written as `?`)
    Latin1,
}

/// A supply file being written: lines are appended with the file's line end and encoding and
/// streamed to disk. The first write error is kept and returned by [`TextFile::finish`], so
/// writers append lines without checking each one.
#[derive(Debug)]
pub struct TextFile {
    /// path relative to the supply directory, with `/` separators
    pub rel: String,
    sink: Option<BufWriter<File>>,
    error: Option<io::Error>,
    bytes: u64,
    lines: u64,
    encoding: Encoding,
    eol: &'static str,
    buf: Vec<u8>,
}

impl TextFile {
    /// Creates (or truncates) `root/rel`, creating its folder.
    pub fn create(root: &Path, rel: &str, encoding: Encoding, crlf: bool) -> io::Result<Self> {
        let path = root.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        Ok(Self {
            rel: rel.to_owned(),
            sink: Some(BufWriter::with_capacity(1 << 16, File::create(path)?)),
            error: None,
            bytes: 0,
            lines: 0,
            encoding,
            eol: if crlf { "\r\n" } else { "\n" },
            buf: Vec::new(),
        })
    }

    /// Appends one line; returns its 1-based line number.
    pub fn line(&mut self, text: &str) -> u64 {
        self.raw(text);
        self.raw(self.eol);
        self.lines += 1;
        self.lines
    }

    /// Appends one line in `encoding` instead of the file's own (planted wrong encodings);
    /// returns its 1-based line number.
    pub fn line_in(&mut self, text: &str, encoding: Encoding) -> u64 {
        let own = std::mem::replace(&mut self.encoding, encoding);
        self.raw(text);
        self.encoding = own;
        self.raw(self.eol);
        self.lines += 1;
        self.lines
    }

    /// Appends text without a line end.
    pub fn raw(&mut self, text: &str) {
        self.buf.clear();
        match self.encoding {
            Encoding::Utf8 => self.buf.extend_from_slice(text.as_bytes()),
            Encoding::Latin1 => self.buf.extend(text.chars().map(latin1)),
        }
        self.bytes += self.buf.len() as u64;
        if let Some(sink) = self.sink.as_mut()
            && let Err(e) = sink.write_all(&self.buf)
        {
            self.error = Some(e);
            self.sink = None;
        }
    }

    /// Number of lines written so far (the next line is `lines() + 1`).
    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Number of bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Flushes the file; the first error met while writing, if any.
    pub fn finish(mut self) -> io::Result<()> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        match self.sink.take() {
            Some(mut sink) => sink.flush(),
            None => Ok(()),
        }
    }
}

/// The Latin-1 byte of `c` (`?` when it has none).
pub fn latin1(c: char) -> u8 {
    u8::try_from(u32::from(c)).unwrap_or(b'?')
}

/// A census record: values joined by pipes, with the final pipe.
pub fn piped(values: &[String]) -> String {
    let mut s = values.join("|");
    s.push('|');
    s
}

/// `DDMMYYYY`.
pub fn ddmmyyyy(d: NaiveDate) -> String {
    d.format("%d%m%Y").to_string()
}

/// ISO `YYYY-MM-DD`.
pub fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An optional ISO date (empty when none).
pub fn iso_opt(d: Option<NaiveDate>) -> String {
    d.map(iso).unwrap_or_default()
}

/// A number with a decimal comma: integral values without decimals, others with up to
/// `decimals` digits (trailing zeros dropped).
pub fn comma_number(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    s.replace('.', ",")
}

/// Euro with two decimals and a decimal comma (`1032,91`).
pub fn comma_euro(v: f64) -> String {
    format!("{v:.2}").replace('.', ",")
}

/// A particella as the census files write it: numeric ones zero-padded to 5, others as is.
pub fn padded_particella(p: &str) -> String {
    if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) {
        format!("{p:0>5}")
    } else {
        p.to_owned()
    }
}

/// A JSON string literal.
pub fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// Rounds half up to an integer (areas of SUP and surfaces).
pub fn round_half_up(v: f64) -> i64 {
    (v + 0.5).floor() as i64
}

/// A coordinate with a fixed number of decimals (GML, KML, GeoJSON).
pub fn fixed(v: f64, decimals: usize) -> String {
    format!("{v:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexical_forms() {
        assert_eq!(comma_number(5.5, 2), "5,5");
        assert_eq!(comma_number(5.0, 2), "5");
        assert_eq!(comma_euro(1_032.905_1), "1032,91");
        assert_eq!(padded_particella("101"), "00101");
        assert_eq!(padded_particella("A"), "A");
        assert_eq!(piped(&["F205".into(), String::new()]), "F205||");
        let d = NaiveDate::from_ymd_opt(2019, 3, 15).unwrap();
        assert_eq!(ddmmyyyy(d), "15032019");
        let dir = tempfile::tempdir().unwrap();
        let mut f = TextFile::create(dir.path(), "a/x.txt", Encoding::Latin1, true).unwrap();
        assert_eq!(f.line("NICOLÒ"), 1);
        assert_eq!(f.bytes(), 8);
        f.finish().unwrap();
        assert_eq!(
            fs::read(dir.path().join("a/x.txt")).unwrap(),
            b"NICOL\xd2\r\n"
        );
    }
}
