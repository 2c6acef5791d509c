//! The SVG writer's text: an [`Out`] buffer and the numbers, colours and font data written
//! into it. Numbers are most of an SVG file (every coordinate of every element), so they are
//! written a byte at a time, without the formatting machinery.

/// SVG text being written, as bytes: every byte comes from a `str` or is ASCII, so it is
/// always UTF-8 (checked once, by [`Out::into_string`]). A byte is pushed in a few
/// instructions; a `char` pushed into a `String`, or a short `str` copied, takes several
/// times that, and the file is mostly numbers a few bytes long.
#[derive(Default)]
pub(super) struct Out(Vec<u8>);

impl Out {
    /// An empty buffer with room for `bytes`.
    pub(super) fn with_capacity(bytes: usize) -> Self {
        Self(Vec::with_capacity(bytes))
    }

    /// Its length in bytes.
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    /// Appends `text`.
    pub(super) fn push_str(&mut self, text: &str) {
        self.0.extend_from_slice(text.as_bytes());
    }

    /// Appends `c`.
    pub(super) fn push(&mut self, c: char) {
        if c.is_ascii() {
            self.0.push(c as u8);
        } else {
            self.push_str(c.encode_utf8(&mut [0; 4]));
        }
    }

    /// Appends what `other` holds.
    pub(super) fn append(&mut self, other: &Out) {
        self.0.extend_from_slice(&other.0);
    }

    /// Puts `front`, in order, before what the buffer holds (moved once, in bulk).
    pub(super) fn prepend(&mut self, front: &[&Out]) {
        let len = self.0.len();
        let room: usize = front.iter().map(|f| f.len()).sum();
        self.0.resize(len + room, 0);
        self.0.copy_within(..len, room);
        let mut at = 0;
        for f in front {
            self.0[at..at + f.len()].copy_from_slice(&f.0);
            at += f.len();
        }
    }

    /// Makes room for `bytes` more.
    pub(super) fn reserve(&mut self, bytes: usize) {
        self.0.reserve(bytes);
    }

    /// Appends ASCII bytes (a colour).
    fn push_ascii(&mut self, bytes: &[u8]) {
        debug_assert!(bytes.is_ascii());
        self.0.extend_from_slice(bytes);
    }

    /// Appends the first `len` ASCII bytes of `buf`: all 16 are copied (a copy of known
    /// size takes a few instructions; one of a length known only when running is a call),
    /// then the rest cut off.
    fn push_prefix(&mut self, buf: &[u8; 16], len: usize) {
        debug_assert!(buf[..len].is_ascii());
        let end = self.0.len() + len;
        self.0.extend_from_slice(buf);
        self.0.truncate(end);
    }

    /// The text, as bytes (UTF-8).
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.0
    }

    /// The text.
    pub(super) fn into_string(self) -> String {
        String::from_utf8(self.0)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

impl std::fmt::Write for Out {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.push_str(s);
        Ok(())
    }
}

impl super::xml::Push for Out {
    fn push_str(&mut self, text: &str) {
        Out::push_str(self, text);
    }
}

/// A number with at most two decimals, no trailing zeros.
pub(super) fn num(out: &mut Out, v: f32) {
    let v = if v.is_finite() { v } else { 0.0 };
    // Hundredths rounded half away from zero, as `f32::round` does: the sum is exact in f64,
    // and truncating it costs no call into libm (the writer formats ~60 numbers a card).
    let hundredths = v.abs() * 100.0;
    let r = (f64::from(hundredths) + 0.5) as u64;
    let (int, frac) = (r / 100, (r % 100) as usize);
    let minus = v < 0.0 && r != 0;
    if int >= SHORT {
        if minus {
            out.0.push(b'-');
        }
        uint(out, int);
        push_hundredths(out, frac);
        return;
    }
    // Every coordinate of a picture: sign, up to 7 digits, point and 2 decimals, set in a
    // buffer and appended at once.
    let mut buf = [0u8; 16];
    let mut len = usize::from(minus);
    buf[0] = b'-';
    len += digits_into(&mut buf[len..], int);
    if frac != 0 {
        buf[len] = b'.';
        buf[len + 1] = DIGIT_PAIRS[frac * 2];
        len += 2;
        if !frac.is_multiple_of(10) {
            buf[len] = DIGIT_PAIRS[frac * 2 + 1];
            len += 1;
        }
    }
    out.push_prefix(&buf, len);
}

/// Numbers below this are written through a buffer of fixed size.
const SHORT: u64 = 10_000_000;

/// The decimals of `frac` hundredths, if any.
fn push_hundredths(out: &mut Out, frac: usize) {
    if frac != 0 {
        out.0.push(b'.');
        out.0.push(DIGIT_PAIRS[frac * 2]);
        if !frac.is_multiple_of(10) {
            out.0.push(DIGIT_PAIRS[frac * 2 + 1]);
        }
    }
}

/// Writes `n` (below [`SHORT`]) at the start of `buf`; how many digits.
fn digits_into(buf: &mut [u8], n: u64) -> usize {
    let len = match n {
        0..10 => 1,
        10..100 => 2,
        100..1_000 => 3,
        1_000..10_000 => 4,
        10_000..100_000 => 5,
        100_000..1_000_000 => 6,
        _ => 7,
    };
    let mut n = n;
    for b in buf[..len].iter_mut().rev() {
        *b = b'0' + (n % 10) as u8;
        n /= 10;
    }
    len
}

/// The two digits of each number below 100.
const DIGIT_PAIRS: [u8; 200] = {
    let mut pairs = [0u8; 200];
    let mut k = 0;
    while k < 100 {
        pairs[2 * k] = b'0' + (k / 10) as u8;
        pairs[2 * k + 1] = b'0' + (k % 10) as u8;
        k += 1;
    }
    pairs
};

/// An integer in decimal.
pub(super) fn uint(out: &mut Out, n: u64) {
    if n < SHORT {
        let mut buf = [0u8; 16];
        let len = digits_into(&mut buf, n);
        out.push_prefix(&buf, len);
        return;
    }
    uint(out, n / SHORT);
    let mut buf = [0u8; 16];
    let mut low = n % SHORT;
    for b in buf[..7].iter_mut().rev() {
        *b = b'0' + (low % 10) as u8;
        low /= 10;
    }
    out.push_prefix(&buf, 7);
}

/// `#rrggbb` (alpha dropped).
pub(super) fn hex(out: &mut Out, c: crate::look::draw::Rgba) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut buf = [b'#'; 7];
    for (k, b) in c.0[..3].iter().enumerate() {
        buf[1 + 2 * k] = DIGITS[usize::from(b >> 4)];
        buf[2 + 2 * k] = DIGITS[usize::from(b & 15)];
    }
    out.push_ascii(&buf);
}

/// `data` in base64 (the standard alphabet, padded).
pub(super) fn base64(out: &mut Out, data: &[u8]) {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    out.0.reserve(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.0.push(ABC[((n >> (18 - 6 * k)) & 63) as usize]);
            } else {
                out.0.push(b'=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(write: impl Fn(&mut Out)) -> String {
        let mut out = Out::default();
        write(&mut out);
        out.into_string()
    }

    #[test]
    fn numbers_are_short_and_exact_to_two_decimals() {
        let text = written(|out| {
            for v in [0.0, 1.5, -2.25, 10.0, 3.999, -0.004, f32::NAN] {
                num(out, v);
                out.push(' ');
            }
        });
        assert_eq!(text, "0 1.5 -2.25 10 4 0 0 ");
        let text = written(|out| {
            for v in [0.05, 0.1, 99.99, 100.0, 12345.67, -9.9, 123456.0] {
                num(out, v);
                out.push(' ');
            }
        });
        assert_eq!(text, "0.05 0.1 99.99 100 12345.67 -9.9 123456 ");
    }

    #[test]
    fn numbers_are_what_rounding_to_hundredths_gives() {
        // The same text as formatting the rounded hundredths, for numbers of every size.
        let check = |v: f32| {
            let hundredths = (f64::from(v.abs() * 100.0) + 0.5).floor();
            let sign = if v < 0.0 && hundredths != 0.0 {
                "-"
            } else {
                ""
            };
            let want = format!("{sign}{}", hundredths / 100.0);
            assert_eq!(written(|out| num(out, v)), want, "{v}");
        };
        let mut v = -70_000.0f32;
        while v < 70_000.0 {
            check(v);
            v += 1.37;
        }
        // Past the fixed buffer's seven digits.
        let mut v = 0.013f32;
        while v < 1e12 {
            check(v);
            check(-v);
            v *= 1.7;
        }
    }

    #[test]
    fn integers_are_written_in_full() {
        for n in [0, 7, 10, 99, 100, 101, 4095, 1_000_000, u64::MAX] {
            assert_eq!(written(|out| uint(out, n)), n.to_string());
        }
    }

    #[test]
    fn colours_are_six_hex_digits() {
        let c = crate::look::draw::Rgba([0x0a, 0xbc, 0xf0, 0x80]);
        assert_eq!(written(|out| hex(out, c)), "#0abcf0");
    }

    #[test]
    fn base64_matches_the_standard_alphabet_and_padding() {
        for (input, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(written(|out| base64(out, input.as_bytes())), want);
        }
    }

    #[test]
    fn text_put_in_front_comes_first() {
        let mut out = Out::default();
        out.push_str("cards");
        let (mut head, mut lines) = (Out::default(), Out::default());
        head.push_str("head ");
        lines.push_str("lines ");
        out.prepend(&[&head, &lines]);
        assert_eq!(out.into_string(), "head lines cards");
    }

    #[test]
    fn text_beyond_ascii_stays_whole() {
        assert_eq!(written(|out| out.push('é')), "é");
        assert_eq!(written(|out| out.push_str("日本")), "日本");
    }
}
