//! A minimal XML writer for AWS Query responses.

use std::fmt::Write;

use openvpc_core::tags::TagSet;

/// An XML fragment under construction.
#[derive(Debug, Default, Clone)]
pub struct Xml {
    out: String,
}

impl Xml {
    /// An empty fragment, with room for a typical answer (so it rarely grows).
    pub fn new() -> Self {
        Xml {
            out: String::with_capacity(2048),
        }
    }

    /// `<tag>value</tag>` with the value escaped (written straight into the document).
    pub fn leaf(&mut self, tag: &str, value: impl Text) -> &mut Self {
        self.open(tag);
        value.write_to(&mut self.out);
        self.close(tag)
    }

    fn open(&mut self, tag: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        self.out.push('>');
    }

    fn close(&mut self, tag: &str) -> &mut Self {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
        self
    }

    /// A leaf only when the value is present.
    pub fn opt(&mut self, tag: &str, value: Option<impl Text>) -> &mut Self {
        if let Some(v) = value {
            self.leaf(tag, v);
        }
        self
    }

    /// `<tag>…</tag>` around what `inner` writes.
    pub fn node(&mut self, tag: &str, inner: impl FnOnce(&mut Xml)) -> &mut Self {
        self.open(tag);
        inner(self);
        self.close(tag)
    }

    /// `<tag><item>…</item>…</tag>`, one item per element.
    pub fn list<T>(
        &mut self,
        tag: &str,
        items: impl IntoIterator<Item = T>,
        mut each: impl FnMut(&mut Xml, T),
    ) -> &mut Self {
        self.open(tag);
        for item in items {
            self.out.push_str("<item>");
            each(self, item);
            self.out.push_str("</item>");
        }
        self.close(tag)
    }

    /// `<tagSet>` with `key`/`value` items.
    pub fn tag_set(&mut self, tags: &TagSet) -> &mut Self {
        self.list("tagSet", tags, |x, (k, v)| {
            x.leaf("key", k).leaf("value", v);
        })
    }

    /// Appends raw, already well-formed XML.
    pub fn raw(&mut self, xml: &str) -> &mut Self {
        self.out.push_str(xml);
        self
    }

    /// The text written so far.
    pub fn into_string(self) -> String {
        self.out
    }

    /// The text written so far, borrowed.
    pub fn as_str(&self) -> &str {
        &self.out
    }
}

/// Whether XML 1.0 can carry `c` at all (its `Char` production): tab, LF, CR and
/// everything from U+0020 except U+FFFE and U+FFFF (surrogates cannot occur in a `str`).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{fffe}' && c != '\u{ffff}')
}

/// A value an element can hold: text, escaped as it is written, or a number, address,
/// block or code, which never holds markup. Strings go straight to [`escape_into`]: no
/// formatting machinery per element (an answer has dozens).
pub trait Text {
    /// Appends the value, escaped, to a document.
    fn write_to(&self, out: &mut String);
}

impl Text for str {
    fn write_to(&self, out: &mut String) {
        escape_into(out, self);
    }
}

impl Text for String {
    fn write_to(&self, out: &mut String) {
        escape_into(out, self);
    }
}

impl<T: Text + ?Sized> Text for &T {
    fn write_to(&self, out: &mut String) {
        (**self).write_to(out);
    }
}

impl Text for bool {
    fn write_to(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl Text for openvpc_core::ErrorCode {
    fn write_to(&self, out: &mut String) {
        out.push_str(self.as_str());
    }
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(ascii(&digits[at..]));
}

/// Digits and dots written into a byte array, as text (appended at once: pushing them one
/// `char` at a time checks the capacity and encodes each).
pub(crate) fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("ASCII")
}

/// Writes `n` in decimal at `text[len..]`; the new length.
fn put_small(text: &mut [u8], mut len: usize, n: u8) -> usize {
    if n >= 100 {
        text[len] = b'0' + n / 100;
        len += 1;
    }
    if n >= 10 {
        text[len] = b'0' + n / 10 % 10;
        len += 1;
    }
    text[len] = b'0' + n % 10;
    len + 1
}

/// Writes `a` dotted at the start of `text` (room for a block: `255.255.255.255/32`); its
/// length.
fn put_ipv4(text: &mut [u8; 18], a: std::net::Ipv4Addr) -> usize {
    let mut len = 0;
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            text[len] = b'.';
            len += 1;
        }
        len = put_small(text, len, octet);
    }
    len
}

/// Numbers and IPv4 addresses and blocks (most of an answer's non-text values) are written
/// digit by digit; they hold nothing to escape.
macro_rules! text_unsigned {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn write_to(&self, out: &mut String) {
                push_decimal(out, *self as u64);
            }
        }
    )*};
}

text_unsigned!(u8, u16, u32, u64, usize);

macro_rules! text_signed {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn write_to(&self, out: &mut String) {
                if *self < 0 {
                    out.push('-');
                }
                push_decimal(out, self.unsigned_abs() as u64);
            }
        }
    )*};
}

text_signed!(i32, i64);

impl Text for std::net::Ipv4Addr {
    fn write_to(&self, out: &mut String) {
        let mut text = [0; 18];
        let len = put_ipv4(&mut text, *self);
        out.push_str(ascii(&text[..len]));
    }
}

impl Text for ipnet::Ipv4Net {
    fn write_to(&self, out: &mut String) {
        let mut text = [0; 18];
        let len = put_ipv4(&mut text, self.addr());
        text[len] = b'/';
        let len = put_small(&mut text, len + 1, self.prefix_len());
        out.push_str(ascii(&text[..len]));
    }
}

impl Text for std::net::IpAddr {
    fn write_to(&self, out: &mut String) {
        match self {
            std::net::IpAddr::V4(a) => a.write_to(out),
            std::net::IpAddr::V6(a) => a.write_to(out),
        }
    }
}

impl Text for ipnet::IpNet {
    fn write_to(&self, out: &mut String) {
        match self {
            ipnet::IpNet::V4(n) => n.write_to(out),
            ipnet::IpNet::V6(n) => n.write_to(out),
        }
    }
}

/// IPv6 addresses and blocks by `Display` (its `::` compression is the standard's).
macro_rules! text_by_display {
    ($($t:ty),*) => {$(
        impl Text for $t {
            fn write_to(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}

text_by_display!(std::net::Ipv6Addr, ipnet::Ipv6Net);

/// Whether `b` may start a character XML 1.0 cannot carry: a control character other than
/// tab, LF and CR, or 0xEF (the first byte of U+FFFE and U+FFFF, and of others).
const fn may_start_non_xml(b: u8) -> bool {
    b == 0xef || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
}

/// Whether `b` may start something [`escape_into`] changes: markup, or what
/// [`may_start_non_xml`].
const fn needs_escape(b: u8) -> bool {
    matches!(b, b'<' | b'>' | b'&' | b'"' | b'\'') || may_start_non_xml(b)
}

/// A predicate on bytes as a table: one load per byte where text is scanned.
macro_rules! byte_table {
    ($predicate:ident) => {{
        let mut table = [false; 256];
        let mut b = 0;
        while b < 256 {
            table[b] = $predicate(b as u8);
            b += 1;
        }
        table
    }};
}

const NEEDS_ESCAPE: [bool; 256] = byte_table!(needs_escape);
const MAY_START_NON_XML: [bool; 256] = byte_table!(may_start_non_xml);

/// The first character of `s` XML 1.0 cannot carry, if any. The bytes are looked at first:
/// text without a byte that [`may_start_non_xml`] (nearly all) holds none.
pub fn find_non_xml_char(s: &str) -> Option<char> {
    if !s.bytes().any(|b| MAY_START_NON_XML[usize::from(b)]) {
        return None;
    }
    s.chars().find(|c| !is_xml_char(*c))
}

/// Escapes text for element content and attribute values. A character XML 1.0 cannot
/// carry (input refuses them, but imported or older state may hold one) becomes U+FFFD,
/// so every document stays well-formed. Text with nothing to escape is copied at once.
pub fn escape_into(out: &mut String, s: &str) {
    if !s.bytes().any(|b| NEEDS_ESCAPE[usize::from(b)]) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if !is_xml_char(c) => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}

/// Escapes text.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn text(v: impl Text) -> String {
        let mut out = String::new();
        v.write_to(&mut out);
        out
    }

    proptest! {
        /// Numbers, addresses and blocks are written as their `Display` writes them.
        #[test]
        fn values_are_written_as_displayed(
            n in any::<u64>(), i in any::<i64>(), a in any::<u32>(), len in 0u8..=32,
            six in any::<u128>(), len6 in 0u8..=128,
        ) {
            prop_assert_eq!(text(n), n.to_string());
            prop_assert_eq!(text(n as u8), (n as u8).to_string());
            prop_assert_eq!(text(i), i.to_string());
            prop_assert_eq!(text(i as i32), (i as i32).to_string());
            let v4 = std::net::Ipv4Addr::from(a);
            prop_assert_eq!(text(v4), v4.to_string());
            let net = ipnet::Ipv4Net::new(v4, len).unwrap();
            prop_assert_eq!(text(net), net.to_string());
            prop_assert_eq!(text(ipnet::IpNet::V4(net)), net.to_string());
            let v6 = std::net::Ipv6Addr::from(six);
            prop_assert_eq!(text(std::net::IpAddr::V6(v6)), v6.to_string());
            let net6 = ipnet::IpNet::V6(ipnet::Ipv6Net::new(v6, len6).unwrap());
            prop_assert_eq!(text(net6), net6.to_string());
        }

        /// The byte-first search finds what a search of every character finds.
        #[test]
        fn non_xml_characters_are_found_as_char_by_char(
            s in "(\\PC|[\u{0}-\u{1f}\u{fffe}\u{ffff}\u{efff}<&])*",
        ) {
            prop_assert_eq!(find_non_xml_char(&s), s.chars().find(|c| !is_xml_char(*c)));
        }

        /// Escaping by the byte table is escaping character by character.
        #[test]
        fn escaping_is_char_by_char(s in "(\\PC|[\u{0}-\u{1f}\u{fffe}\u{ffff}\u{efff}<>&'\"])*") {
            let mut oracle = String::new();
            for c in s.chars() {
                match c {
                    '<' => oracle.push_str("&lt;"),
                    '>' => oracle.push_str("&gt;"),
                    '&' => oracle.push_str("&amp;"),
                    '"' => oracle.push_str("&quot;"),
                    '\'' => oracle.push_str("&apos;"),
                    c if !is_xml_char(c) => oracle.push('\u{fffd}'),
                    c => oracle.push(c),
                }
            }
            prop_assert_eq!(escape(&s), oracle);
        }
    }

    #[test]
    fn writes_escaped_lists() {
        let mut x = Xml::new();
        x.leaf("a", "<&>").list("s", ["1", "2"], |x, v| {
            x.leaf("v", v);
        });
        assert_eq!(
            x.as_str(),
            "<a>&lt;&amp;&gt;</a><s><item><v>1</v></item><item><v>2</v></item></s>"
        );
    }

    #[test]
    fn characters_xml_cannot_carry_never_reach_a_document() {
        assert_eq!(
            escape("web\u{7}prod\ttab\u{ffff}"),
            "web\u{fffd}prod\ttab\u{fffd}"
        );
        assert!(!is_xml_char('\u{0}') && !is_xml_char('\u{1b}') && is_xml_char('\u{e000}'));
        // Text with nothing to escape is copied as it is, non-ASCII included.
        assert_eq!(
            escape("vpc-0a1b ü \u{efff} \u{fffd}"),
            "vpc-0a1b ü \u{efff} \u{fffd}"
        );
        let mut x = Xml::new();
        x.leaf("n", 42).leaf("s", "a'b\u{fffe}");
        assert_eq!(x.as_str(), "<n>42</n><s>a&apos;b\u{fffd}</s>");
    }
}
