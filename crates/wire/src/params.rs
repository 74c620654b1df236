//! Query parameters: decoding, typed access, and the `UnknownParameter` check.
//!
//! Every accessor marks the keys it read; [`Params::finish`] then refuses any key no
//! handler read, so unknown parameters never pass silently.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::ops::Bound;

use base64::Engine;
use openvpc_core::filter::Filter;
use openvpc_core::tags::TagSpec;
use openvpc_core::{ApiError, ErrorCode, Result};

/// Keys every request may carry that no handler reads.
const COMMON: &[&str] = &[
    "Action",
    "Version",
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
    "AWSAccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "Signature",
    "Timestamp",
];

/// Decoded parameters of one request. Names and values with nothing to decode (almost all)
/// are borrowed from the request's text.
#[derive(Debug, Default)]
pub struct Params<'a> {
    map: BTreeMap<Cow<'a, str>, Value<'a>>,
    /// A key made for this request before any lock was taken ([`crate::keys::key_to_make`]).
    generated_key: Option<crate::keys::Generated>,
}

impl<'a> Params<'a> {
    /// Decodes `application/x-www-form-urlencoded` text (body or query string) as the URL
    /// standard does (`form_urlencoded::parse`, the tests' oracle): pairs split at `&`,
    /// empty ones skipped, name and value at the first `=`, `+` a space, `%XX` a byte,
    /// invalid UTF-8 replaced. Written here to check UTF-8 in one pass over text that is
    /// almost always valid (every request passes through it).
    pub fn parse(encoded: &'a [u8]) -> Self {
        Self::from_decoded(
            encoded
                .split(|b| *b == b'&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (k, v) = match pair.iter().position(|b| *b == b'=') {
                        Some(i) => (&pair[..i], &pair[i + 1..]),
                        None => (pair, &[][..]),
                    };
                    (form_decode(k), form_decode(v))
                }),
        )
    }

    /// Builds parameters from pairs; a later duplicate key wins.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self::from_decoded(
            pairs
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v))),
        )
    }

    fn from_decoded(pairs: impl Iterator<Item = (Cow<'a, str>, Cow<'a, str>)>) -> Self {
        // Inserted one by one: `collect` would gather and sort a vector first.
        let mut map = BTreeMap::new();
        map.extend(pairs.map(|(k, text)| {
            let used = Cell::new(false);
            (k, Value { text, used })
        }));
        Params {
            map,
            generated_key: None,
        }
    }

    /// Keeps the key made for this request (CreateKeyPair).
    pub fn set_generated_key(&mut self, key: crate::keys::Generated) {
        self.generated_key = Some(key);
    }

    /// The key made for this request, if one was.
    pub fn generated_key(&self) -> Option<&crate::keys::Generated> {
        self.generated_key.as_ref()
    }

    /// Adds pairs (query string merged with a form body).
    pub fn extend(&mut self, other: Params<'a>) {
        if self.map.is_empty() {
            // The usual case (a POST's empty query string): the body's map as it is.
            self.map = other.map;
        } else {
            self.map.extend(other.map);
        }
    }

    /// The root view.
    pub fn root(&self) -> View<'_> {
        View {
            params: self,
            prefix: String::new(),
        }
    }

    /// The raw value of a key without marking it read.
    pub fn peek(&self, key: &str) -> Option<&str> {
        self.map.get(key).map(|v| v.text.as_ref())
    }

    /// The checks every request passes before any handler reads it: `Version` is the
    /// one `service` (e.g. `AmazonEC2`) speaks (`MissingParameter`, `NoSuchVersion`), and
    /// no key or value holds a character XML 1.0 cannot carry (`InvalidParameterValue`
    /// naming the parameter; the value itself is never echoed).
    pub fn check_request(&self, version: &str, service: &str) -> Result<()> {
        for (k, Value { text: v, .. }) in &self.map {
            if let Some(c) =
                crate::xml::find_non_xml_char(k).or_else(|| crate::xml::find_non_xml_char(v))
            {
                let name: String = k.chars().filter(|c| crate::xml::is_xml_char(*c)).collect();
                return Err(ApiError::invalid_value(format!(
                    "Value for parameter {name} is invalid: it contains the character U+{:04X}, which XML 1.0 cannot carry.",
                    u32::from(c)
                )));
            }
        }
        match self.peek("Version") {
            None | Some("") => Err(ApiError::missing("Version")),
            Some(v) if v == version => Ok(()),
            Some(v) => Err(ApiError::new(
                ErrorCode::NoSuchVersion,
                format!("The requested version ({v}) of service {service} does not exist"),
            )),
        }
    }

    /// `UnknownParameter` for the first key no handler read.
    pub fn finish(&self) -> Result<()> {
        match self
            .map
            .iter()
            .find(|(k, v)| !v.used.get() && !COMMON.contains(&k.as_ref()))
            .map(|(k, _)| k)
        {
            Some(k) => Err(ApiError::new(
                ErrorCode::UnknownParameter,
                format!("The parameter {k} is not recognized"),
            )),
            None => Ok(()),
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        let v = self.map.get(key)?;
        v.used.set(true);
        Some(&v.text)
    }

    /// Marks every key under `prefix.` as read (for accepted, ignored members).
    fn touch_prefix(&self, prefix: &str) {
        for (_, v) in self.map.iter().filter(|(k, _)| k.starts_with(prefix)) {
            v.used.set(true);
        }
    }

    /// Indices N present for `prefix.N` or `prefix.N.*`, ascending; `dotted` is `prefix.`.
    fn indices(&self, dotted: &str) -> Vec<u32> {
        let mut out: Vec<u32> = self
            .map
            .range::<str, _>((Bound::Included(dotted), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(dotted))
            .filter_map(|(k, _)| k[dotted.len()..].split('.').next()?.parse().ok())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// One name or value of a form: `+` is a space, `%XX` a byte, invalid UTF-8 replaced.
/// Text with nothing to decode is borrowed.
fn form_decode(text: &[u8]) -> Cow<'_, str> {
    // One plain scan for the usual text with nothing to decode (names and values are
    // short: a `memchr` per byte sought costs more than it saves).
    let bytes: Vec<u8> = if !text.iter().any(|b| matches!(b, b'+' | b'%')) {
        return crate::text_of(text);
    } else if text.contains(&b'+') {
        let spaced: Vec<u8> = text
            .iter()
            .map(|b| if *b == b'+' { b' ' } else { *b })
            .collect();
        percent_encoding::percent_decode(&spaced).collect()
    } else {
        percent_encoding::percent_decode(text).collect()
    };
    Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// A parameter's value, and whether a handler read it (what `finish` refuses is the rest).
#[derive(Debug)]
struct Value<'a> {
    text: Cow<'a, str>,
    used: Cell<bool>,
}

/// A view of the parameters under a prefix (`IpPermissions.1.` …).
#[derive(Debug, Clone)]
pub struct View<'a> {
    params: &'a Params<'a>,
    prefix: String,
}

impl<'a> View<'a> {
    fn key(&self, name: &str) -> String {
        [self.prefix.as_str(), name].concat()
    }

    /// The member's key followed by a dot: the prefix of its list items or fields.
    fn dotted(&self, name: &str) -> String {
        [self.prefix.as_str(), name, "."].concat()
    }

    /// The wire name of a member, for error messages.
    pub fn name(&self, name: &str) -> String {
        self.key(name)
    }

    /// The value of member `name`, marked read (the root view looks `name` up as it is).
    fn get(&self, name: &str) -> Option<&'a str> {
        if self.prefix.is_empty() {
            self.params.get(name)
        } else {
            self.params.get(&self.key(name))
        }
    }

    /// An optional string.
    pub fn str(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_string)
    }

    /// A required string (`MissingParameter` when absent or empty).
    pub fn req(&self, name: &str) -> Result<String> {
        match self.str(name) {
            Some(v) if !v.is_empty() => Ok(v),
            _ => Err(ApiError::missing(&self.key(name))),
        }
    }

    /// A required id of `kind` (`MissingParameter` when absent; the kind's malformed-id
    /// error when it is not one).
    pub fn req_id(&self, name: &str, kind: openvpc_core::Kind) -> Result<String> {
        let id = self.req(name)?;
        kind.check(&id)?;
        Ok(id)
    }

    /// An optional boolean (`true`/`false`, case-insensitive).
    pub fn bool(&self, name: &str) -> Result<Option<bool>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::invalid_value(format!(
                "Value ({v}) for parameter {} is invalid. Expected: 'true' or 'false'.",
                self.key(name)
            ))),
        }
    }

    /// A boolean defaulting to false.
    pub fn flag(&self, name: &str) -> Result<bool> {
        Ok(self.bool(name)?.unwrap_or(false))
    }

    /// An optional integer.
    pub fn int(&self, name: &str) -> Result<Option<i64>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                ApiError::invalid_value(format!(
                    "Value ({v}) for parameter {} is invalid. Expected an integer.",
                    self.key(name)
                ))
            }),
        }
    }

    /// An optional IPv4 address.
    pub fn ipv4(&self, name: &str) -> Result<Option<Ipv4Addr>> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v.trim().parse().map(Some).map_err(|_| {
                ApiError::invalid_value(format!(
                    "Value ({v}) for parameter {} is invalid. It is not a valid IPv4 address.",
                    self.key(name)
                ))
            }),
        }
    }

    /// `name.1`, `name.2`, … as strings, in index order.
    pub fn list(&self, name: &str) -> Vec<String> {
        let dotted = self.dotted(name);
        self.params
            .indices(&dotted)
            .into_iter()
            .filter_map(|i| self.params.get(&format!("{dotted}{i}")).map(str::to_string))
            .collect()
    }

    /// `name.N.*` structures as views, in index order.
    pub fn structs(&self, name: &str) -> Vec<View<'a>> {
        let dotted = self.dotted(name);
        self.params
            .indices(&dotted)
            .into_iter()
            .map(|i| View {
                params: self.params,
                prefix: format!("{dotted}{i}."),
            })
            .collect()
    }

    /// A nested structure `name.*` as a view.
    pub fn nested(&self, name: &str) -> View<'a> {
        View {
            params: self.params,
            prefix: self.dotted(name),
        }
    }

    /// Whether any key exists under this view's prefix plus `name`.
    pub fn has(&self, name: &str) -> bool {
        let key = self.key(name);
        self.params
            .map
            .keys()
            .any(|k| k == &key || k.starts_with(&format!("{key}.")))
    }

    /// Accepts and ignores every member under `name` (deprecated or no-effect members).
    pub fn ignore(&self, name: &str) {
        self.params.get(&self.key(name));
        self.params.touch_prefix(&self.dotted(name));
    }

    /// `Filter.N.Name` / `Filter.N.Value.M`.
    /// The action's table (`crate::filters`) checks them: limits, names, id values; older
    /// names come back under the name the core matches. A filter without a name is the
    /// unknown filter `''`.
    pub fn filters(&self) -> Result<Vec<Filter>> {
        let filters = self
            .structs("Filter")
            .into_iter()
            .map(|f| Filter {
                name: f.str("Name").unwrap_or_default(),
                values: f.list("Value"),
            })
            .collect();
        crate::filters::check(self.params.peek("Action").unwrap_or_default(), filters)
    }

    /// `Tag.N.Key` / `Tag.N.Value` pairs (value defaults to empty).
    pub fn tags(&self, name: &str) -> Result<Vec<(String, String)>> {
        self.structs(name)
            .into_iter()
            .map(|t| Ok((t.req("Key")?, t.str("Value").unwrap_or_default())))
            .collect()
    }

    /// `TagSpecification.N.ResourceType` with its `Tag.M`.
    pub fn tag_specs(&self) -> Result<Vec<TagSpec>> {
        self.tag_specs_in("TagSpecification")
    }

    /// The same under another list name (`TagSpecifications.N` for some actions).
    pub fn tag_specs_in(&self, name: &str) -> Result<Vec<TagSpec>> {
        self.structs(name)
            .into_iter()
            .map(|s| {
                Ok(TagSpec {
                    resource_type: s.req("ResourceType")?,
                    tags: s.tags("Tag")?,
                })
            })
            .collect()
    }

    /// `MaxResults`/`NextToken` with the action's allowed range.
    pub fn page(&self, min: i64, max: i64, cap: bool) -> Result<Page> {
        let max_results = match self.int("MaxResults")? {
            None => None,
            Some(n) if cap && n > max => Some(max as usize),
            Some(n) if n < min || n > max => {
                return Err(ApiError::invalid_value(format!(
                    "Value ( {n} ) for parameter maxResults is invalid. Expecting a value between {min} and {max}."
                )))
            }
            Some(n) => Some(n.max(1) as usize),
        };
        let after = match self.get("NextToken") {
            None => None,
            Some("") => None,
            Some(t) => Some(decode_token(t).ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidNextToken,
                    format!("The token '{t}' is invalid."),
                )
            })?),
        };
        Ok(Page { max_results, after })
    }
}

/// A pagination request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub max_results: Option<usize>,
    pub after: Option<String>,
}

impl Page {
    /// Takes one page of `items` (keyed by `key`), returning it and the next token.
    pub fn take<T>(
        &self,
        mut items: Vec<T>,
        key: impl Fn(&T) -> String,
    ) -> (Vec<T>, Option<String>) {
        if self.max_results.is_none() && self.after.is_none() {
            return (items, None);
        }
        items.sort_by_key(|t| key(t));
        if let Some(after) = &self.after {
            items.retain(|t| key(t).as_str() > after.as_str());
        }
        match self.max_results {
            Some(n) if items.len() > n => {
                items.truncate(n);
                let next = items.last().map(|t| encode_token(&key(t)));
                (items, next)
            }
            _ => (items, None),
        }
    }
}

fn encode_token(last: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("v1:{last}"))
}

fn decode_token(token: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("v1:")
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn params(q: &str) -> Params<'_> {
        Params::parse(q.as_bytes())
    }

    #[test]
    fn lists_and_filters() {
        let p = params("Action=X&VpcId.2=b&VpcId.1=a&VpcId.10=c&Filter.1.Name=vpc-id&Filter.1.Value.1=x&Filter.1.Value.2=y");
        let v = p.root();
        assert_eq!(v.list("VpcId"), ["a", "b", "c"]);
        let f = v.filters().unwrap();
        assert_eq!(f, vec![Filter::new("vpc-id", &["x", "y"])]);
        assert!(p.finish().is_ok());
    }

    #[test]
    fn unknown_parameters_are_refused() {
        let p = params("Action=X&VpcId=a&Bogus=1");
        p.root().str("VpcId");
        let e = p.finish().unwrap_err();
        assert_eq!(e.code, "UnknownParameter");
        assert_eq!(e.message, "The parameter Bogus is not recognized");
    }

    #[test]
    fn every_request_speaks_the_version_and_xml_can_carry_it() {
        let ok = params("Action=DescribeVpcs&Version=2016-11-15&Tag.1.Value=a%09b");
        assert!(ok.check_request("2016-11-15", "AmazonEC2").is_ok());
        let e = params("Action=X")
            .check_request("2016-11-15", "AmazonEC2")
            .unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "MissingParameter",
                "The request must contain the parameter Version"
            )
        );
        let e = params("Action=X&Version=2015-12-01")
            .check_request("2016-11-15", "AmazonEC2")
            .unwrap_err();
        assert_eq!(e.code, "NoSuchVersion");
        let e = params("Action=X&Version=2016-11-15&Tag.1.Value=web%07prod")
            .check_request("2016-11-15", "AmazonEC2")
            .unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        assert!(
            e.message.contains("Tag.1.Value") && e.message.contains("U+0007"),
            "{}",
            e.message
        );
        assert!(!e.message.contains('\u{7}'));
    }

    #[test]
    fn tag_specifications() {
        let p = params("TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=x");
        let specs = p.root().tag_specs().unwrap();
        assert_eq!(specs[0].resource_type, "vpc");
        assert_eq!(specs[0].tags, vec![("Name".to_string(), "x".to_string())]);
        assert!(p.finish().is_ok());
    }

    #[test]
    fn missing_and_bad_values() {
        let p = params("A=&B=maybe&C=12x");
        assert_eq!(p.root().req("A").unwrap_err().code, "MissingParameter");
        assert_eq!(
            p.root().bool("B").unwrap_err().code,
            "InvalidParameterValue"
        );
        assert_eq!(p.root().int("C").unwrap_err().code, "InvalidParameterValue");
    }

    #[test]
    fn pagination_round_trip() {
        let items: Vec<String> = (0..12).map(|i| format!("id-{i:02}")).collect();
        let page = params("MaxResults=5").root().page(5, 1000, false).unwrap();
        let (first, token) = page.take(items.clone(), |s| s.clone());
        assert_eq!(first.len(), 5);
        let q = format!("MaxResults=5&NextToken={}", token.unwrap());
        let page = params(&q).root().page(5, 1000, false).unwrap();
        let (second, _) = page.take(items, |s| s.clone());
        assert_eq!(second[0], "id-05");
        assert_eq!(
            params("MaxResults=4")
                .root()
                .page(5, 1000, false)
                .unwrap_err()
                .code,
            "InvalidParameterValue"
        );
        assert_eq!(
            params("NextToken=@@")
                .root()
                .page(5, 1000, false)
                .unwrap_err()
                .code,
            "InvalidNextToken"
        );
    }

    proptest! {
        /// Decoding agrees with the `form_urlencoded` crate on any bytes (a later duplicate
        /// name wins in both).
        #[test]
        fn decoding_agrees_with_form_urlencoded(
            body in proptest::collection::vec(
                prop_oneof![
                    Just(b'&'), Just(b'='), Just(b'+'), Just(b'%'), Just(b'2'), Just(b'B'),
                    Just(b'a'), Just(0xc3), Just(0xa9), Just(0xff), any::<u8>()
                ],
                0..60,
            )
        ) {
            let ours = Params::parse(&body);
            let oracle: BTreeMap<String, String> = form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            let ours: BTreeMap<String, String> = ours
                .map
                .iter()
                .map(|(k, v)| (k.to_string(), v.text.to_string()))
                .collect();
            prop_assert_eq!(ours, oracle);
        }

        /// No input makes decoding or any accessor panic.
        #[test]
        fn decoding_never_panics(body in proptest::collection::vec(any::<u8>(), 0..300)) {
            let p = Params::parse(&body);
            let v = p.root();
            let _ = v.filters();
            let _ = v.tag_specs();
            let _ = v.page(5, 1000, false);
            for s in v.structs("IpPermissions") {
                let _ = s.list("IpRanges");
            }
            let _ = p.finish();
        }

        #[test]
        fn structured_keys_never_panic(key in "[A-Za-z.0-9]{0,30}", value in ".{0,20}") {
            let p = Params::from_pairs([(key, value)]);
            let v = p.root();
            let _ = v.filters();
            let _ = v.tag_specs();
            let _ = v.int("MaxResults");
            let _ = p.finish();
        }
    }
}
