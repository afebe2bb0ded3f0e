//! Typed reading of a frame's JSON form (the `frame` object of a decode result), for the encoders
//! that build a frame from it ([`crate::registry::Codec::encode`]). Every failure is an
//! [`ErrorKind::Field`] naming the key and what it must hold.

use serde_json::{Map, Value as Json};

use crate::error::{Error, ErrorKind, Layer, Result};

/// One JSON object, read field by field.
#[derive(Clone, Copy, Debug)]
pub struct Fields<'j> {
    map: &'j Map<alloc::string::String, Json>,
    layer: Layer,
}

/// An error about field `field` of `layer`'s JSON form.
pub const fn field_error(layer: Layer, field: &'static str, expected: &'static str) -> Error {
    Error::new(layer, 0, ErrorKind::Field { field, expected })
}

impl<'j> Fields<'j> {
    /// Reads `json`, which must be an object (`name` is the key it came from, for the error).
    pub fn of(json: &'j Json, layer: Layer, name: &'static str) -> Result<Self> {
        match json {
            Json::Object(map) => Ok(Fields { map, layer }),
            _ => Err(field_error(layer, name, "an object")),
        }
    }

    /// The layer errors name.
    pub const fn layer(&self) -> Layer {
        self.layer
    }

    fn error(&self, field: &'static str, expected: &'static str) -> Error {
        field_error(self.layer, field, expected)
    }

    /// The value of `key`; `null` counts as absent.
    pub fn get(&self, key: &str) -> Option<&'j Json> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// An unsigned integer that fits `T`; `expected` describes the range for the error.
    pub fn uint<T: TryFrom<u64>>(&self, key: &'static str, expected: &'static str) -> Result<T> {
        self.get(key)
            .and_then(Json::as_u64)
            .and_then(|v| T::try_from(v).ok())
            .ok_or(self.error(key, expected))
    }

    /// An integer 0..=255.
    pub fn u8(&self, key: &'static str) -> Result<u8> {
        self.uint(key, "an integer 0..=255")
    }

    /// An integer 0..=65535.
    pub fn u16(&self, key: &'static str) -> Result<u16> {
        self.uint(key, "an integer 0..=65535")
    }

    /// `read(self, key)` when `key` is present, else `None`.
    pub fn optional<T>(
        &self,
        key: &'static str,
        read: impl FnOnce(&Self, &'static str) -> Result<T>,
    ) -> Result<Option<T>> {
        match self.get(key) {
            None => Ok(None),
            Some(_) => read(self, key).map(Some),
        }
    }

    /// `true` or `false`.
    pub fn bool(&self, key: &'static str) -> Result<bool> {
        self.get(key)
            .and_then(Json::as_bool)
            .ok_or(self.error(key, "true or false"))
    }

    /// A string.
    pub fn str(&self, key: &'static str) -> Result<&'j str> {
        self.get(key)
            .and_then(Json::as_str)
            .ok_or(self.error(key, "a string"))
    }

    /// A hex string (two digits per byte, either case), decoded into `out`; returns its length.
    pub fn hex(&self, key: &'static str, out: &mut [u8]) -> Result<usize> {
        let text = self.str(key)?.as_bytes();
        let bad = self.error(key, "hex digits, two per byte");
        if text.len() % 2 != 0 {
            return Err(bad);
        }
        let n = text.len() / 2;
        let capacity = out.len();
        let dst = out.get_mut(..n).ok_or(Error::new(
            self.layer,
            0,
            ErrorKind::Capacity {
                needed: n,
                capacity,
            },
        ))?;
        for (byte, pair) in dst.iter_mut().zip(text.chunks_exact(2)) {
            let digit = |c: u8| char::from(c).to_digit(16);
            match pair {
                [hi, lo] => match (digit(*hi), digit(*lo)) {
                    (Some(h), Some(l)) => *byte = (h * 16 + l) as u8,
                    _ => return Err(bad),
                },
                _ => return Err(bad),
            }
        }
        Ok(n)
    }

    /// An array.
    pub fn array(&self, key: &'static str) -> Result<&'j [Json]> {
        self.get(key)
            .and_then(Json::as_array)
            .map(alloc::vec::Vec::as_slice)
            .ok_or(self.error(key, "an array"))
    }

    /// A nested object.
    pub fn object(&self, key: &'static str) -> Result<Fields<'j>> {
        Fields::of(self.get(key).unwrap_or(&Json::Null), self.layer, key)
    }

    /// An array of objects.
    pub fn objects(
        &self,
        key: &'static str,
    ) -> Result<impl Iterator<Item = Result<Fields<'j>>> + 'j> {
        let layer = self.layer;
        Ok(self
            .array(key)?
            .iter()
            .map(move |item| Fields::of(item, layer, key)))
    }

    /// An array of integers 0..=65535, written big-endian into `out`; returns the bytes written.
    pub fn registers(&self, key: &'static str, out: &mut [u8]) -> Result<usize> {
        let items = self.array(key)?;
        let capacity = out.len();
        let too_many = Error::new(
            self.layer,
            0,
            ErrorKind::Capacity {
                needed: items.len() * 2,
                capacity,
            },
        );
        for (item, dst) in items.iter().zip(out.chunks_exact_mut(2)) {
            let v = item
                .as_u64()
                .and_then(|v| u16::try_from(v).ok())
                .ok_or(self.error(key, "an array of integers 0..=65535"))?;
            dst.copy_from_slice(&v.to_be_bytes());
        }
        if items.len() * 2 > capacity {
            return Err(too_many);
        }
        Ok(items.len() * 2)
    }

    /// An array of integers 0..=255, copied into `out`; returns how many.
    pub fn byte_list(&self, key: &'static str, out: &mut [u8]) -> Result<usize> {
        let items = self.array(key)?;
        let capacity = out.len();
        if items.len() > capacity {
            return Err(Error::new(
                self.layer,
                0,
                ErrorKind::Capacity {
                    needed: items.len(),
                    capacity,
                },
            ));
        }
        for (item, dst) in items.iter().zip(out.iter_mut()) {
            *dst = item
                .as_u64()
                .and_then(|v| u8::try_from(v).ok())
                .ok_or(self.error(key, "an array of integers 0..=255"))?;
        }
        Ok(items.len())
    }

    /// An array of booleans.
    pub fn bools(&self, key: &'static str) -> Result<impl Iterator<Item = bool> + 'j> {
        let items = self.array(key)?;
        if !items.iter().all(Json::is_boolean) {
            return Err(self.error(key, "an array of true/false"));
        }
        Ok(items.iter().map(|b| b.as_bool().unwrap_or(false)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typed_reads_and_their_errors() {
        let j =
            json!({"a": 300, "b": true, "h": "0aFF", "r": [1, 65535], "n": null, "o": {"x": 1}});
        let f = Fields::of(&j, Layer::ModbusPdu, "frame").unwrap();
        assert_eq!(f.u16("a").unwrap(), 300);
        let e = f.u8("a").unwrap_err();
        assert_eq!(
            e.kind,
            ErrorKind::Field {
                field: "a",
                expected: "an integer 0..=255"
            }
        );
        assert!(f.bool("b").unwrap());
        let mut out = [0u8; 4];
        assert_eq!(f.hex("h", &mut out).unwrap(), 2);
        assert_eq!(out[..2], [0x0A, 0xFF]);
        assert_eq!(f.registers("r", &mut out).unwrap(), 4);
        assert_eq!(out, [0, 1, 0xFF, 0xFF]);
        assert!(f.byte_list("r", &mut out).is_err(), "65535 is not a byte");
        assert!(matches!(
            f.registers("r", &mut [0u8; 3]).unwrap_err().kind,
            ErrorKind::Capacity { .. }
        ));
        assert_eq!(f.optional("n", Fields::u8).unwrap(), None);
        assert_eq!(f.object("o").unwrap().u8("x").unwrap(), 1);
        assert!(matches!(
            f.u8("missing").unwrap_err().kind,
            ErrorKind::Field {
                field: "missing",
                ..
            }
        ));
        assert!(f.hex("b", &mut out).is_err());
        assert!(Fields::of(&json!([1]), Layer::ModbusPdu, "frame").is_err());
    }
}
