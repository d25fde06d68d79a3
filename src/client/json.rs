//! `--json`: messages as proto3 JSON, the canonical mapping grpcurl prints
//! (lowerCamelCase names, enum value names, RFC 3339 timestamps, 64-bit
//! integers as strings, default values left out), and documents read from
//! JSON lines in the same mapping.
//!
//! prost-reflect does the mapping from the descriptor set the build writes
//! for reflection ([`crate::proto::FILE_DESCRIPTOR_SET`]), so the JSON
//! follows the proto files with no hand-written field list.

use std::sync::OnceLock;

use prost::Message;
use prost_reflect::{DescriptorPool, DeserializeOptions, DynamicMessage, MessageDescriptor};

use crate::proto::{FILE_DESCRIPTOR_SET, pb};

fn pool() -> Result<&'static DescriptorPool, String> {
    static POOL: OnceLock<Result<DescriptorPool, String>> = OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(FILE_DESCRIPTOR_SET)
            .map_err(|e| format!("the embedded descriptor set does not load: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

fn descriptor(name: &str) -> Result<MessageDescriptor, String> {
    pool()?
        .get_message_by_name(name)
        .ok_or_else(|| format!("the descriptor set has no message {name}"))
}

/// The proto3 JSON of `message`, whose full proto name is `name` (e.g.
/// `docsift.v1.AnalyzeResponse`), pretty-printed as grpcurl does.
pub fn to_json<M: Message>(name: &str, message: &M) -> Result<String, String> {
    let dynamic = DynamicMessage::decode(descriptor(name)?, message.encode_to_vec().as_slice())
        .map_err(|e| format!("cannot re-read a {name}: {e}"))?;
    serde_json::to_string_pretty(&dynamic)
        .map_err(|e| format!("cannot write a {name} as JSON: {e}"))
}

/// The proto3 JSON of `message` on one line (for one object per line).
pub fn to_json_line<M: Message>(name: &str, message: &M) -> Result<String, String> {
    let dynamic = DynamicMessage::decode(descriptor(name)?, message.encode_to_vec().as_slice())
        .map_err(|e| format!("cannot re-read a {name}: {e}"))?;
    serde_json::to_string(&dynamic).map_err(|e| format!("cannot write a {name} as JSON: {e}"))
}

/// A `docsift.v1.Document` from one JSON object in proto3 JSON (either
/// lowerCamelCase or the proto's own field names). As the bench corpus
/// loader also accepts, `body` stands for `text` and a numeric `id` is taken
/// as its decimal string; other unknown fields are ignored.
pub fn document_from_json(line: &str) -> Result<pb::Document, String> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    document_from_value(value)
}

/// [`document_from_json`] on an already parsed JSON value.
pub fn document_from_value(mut value: serde_json::Value) -> Result<pb::Document, String> {
    let object = value
        .as_object_mut()
        .ok_or_else(|| "not a JSON object".to_string())?;
    if !object.contains_key("text")
        && !object.contains_key("raw")
        && let Some(body) = object.remove("body")
    {
        object.insert("text".into(), body);
    }
    if let Some(serde_json::Value::Number(number)) = object.get("id") {
        let id = number.to_string();
        object.insert("id".into(), serde_json::Value::String(id));
    }
    let options = DeserializeOptions::new().deny_unknown_fields(false);
    let dynamic = DynamicMessage::deserialize_with_options(
        descriptor("docsift.v1.Document")?,
        value,
        &options,
    )
    .map_err(|e| format!("not a document: {e}"))?;
    pb::Document::decode(dynamic.encode_to_vec().as_slice())
        .map_err(|e| format!("not a document: {e}"))
}
