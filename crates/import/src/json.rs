//! Reading fields out of describe JSON with paths in every error.

use serde_json::Value;

/// A JSON object being read, with its path for error messages.
#[derive(Debug, Clone, Copy)]
pub struct Obj<'a> {
    pub value: &'a Value,
    pub path: &'a str,
}

/// An import error message.
pub type Res<T> = Result<T, String>;

impl<'a> Obj<'a> {
    /// A present field, if any (`null` counts as absent).
    pub fn field(&self, name: &str) -> Option<&'a Value> {
        self.value.get(name).filter(|v| !v.is_null())
    }

    fn wrong(&self, name: &str, want: &str) -> String {
        format!("field `{}.{name}`: expected {want}", self.path)
    }

    /// A required string field.
    pub fn str(&self, name: &str) -> Res<String> {
        self.opt_str(name)?
            .ok_or_else(|| format!("field `{}.{name}`: missing", self.path))
    }

    /// A required protocol field (`-1`, a name or an IANA number, as AWS writes it).
    pub fn protocol(&self, name: &str) -> Res<openvpc_core::Protocol> {
        let raw = self.str(name)?;
        openvpc_core::Protocol::parse(&raw).ok_or_else(|| self.wrong(name, "a protocol"))
    }

    /// An optional string field.
    pub fn opt_str(&self, name: &str) -> Res<Option<String>> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong(name, "a string")),
        }
    }

    /// An optional boolean field.
    pub fn opt_bool(&self, name: &str) -> Res<Option<bool>> {
        match self.field(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong(name, "true or false")),
        }
    }

    /// An optional integer field.
    pub fn opt_int(&self, name: &str) -> Res<Option<i64>> {
        match self.field(name) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| self.wrong(name, "an integer")),
        }
    }

    /// The items of an optional array field (absent: empty), each with its path.
    pub fn list(&self, name: &str) -> Res<Vec<(String, &'a Value)>> {
        match self.field(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(items)) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{}.{name}[{i}]", self.path), v))
                .collect()),
            Some(_) => Err(self.wrong(name, "an array")),
        }
    }

    /// The strings of an optional array-of-strings field (absent: empty).
    pub fn strs(&self, name: &str) -> Res<Vec<String>> {
        self.list(name)?
            .into_iter()
            .map(|(path, v)| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("field `{path}`: expected a string"))
            })
            .collect()
    }

    /// An optional nested object.
    pub fn child(&self, name: &str) -> Option<Value> {
        self.field(name).filter(|v| v.is_object()).cloned()
    }
}

/// Parses a CIDR field value.
pub fn cidr<T: std::str::FromStr>(obj: &Obj, name: &str, raw: &str) -> Res<T> {
    raw.parse().map_err(|_| {
        format!(
            "field `{}.{name}`: `{raw}` is not a valid CIDR block",
            obj.path
        )
    })
}

/// Parses an IP address field value.
pub fn addr<T: std::str::FromStr>(obj: &Obj, name: &str, raw: &str) -> Res<T> {
    raw.parse().map_err(|_| {
        format!(
            "field `{}.{name}`: `{raw}` is not a valid address",
            obj.path
        )
    })
}
