//! Request bodies checked against Discord's own OpenAPI description
//! (`shared/discord-api-spec/openapi.json`, read at test time, never copied).
//!
//! For a request, the operation is found by matching the path against the
//! spec's path templates (literal segments beat `{parameters}`), and the
//! body is validated against `requestBody.content["application/json"].schema`.
//! Each operation's schema is compiled once per process into a validator
//! whose root document is `{"components": <the spec's components>,
//! "allOf": [<operation schema>]}`, so every internal
//! `"$ref": "#/components/schemas/..."` resolves inside that same document.
//! An operation whose schema is a top-level `anyOf`/`oneOf` of references
//! (the interaction callback, webhook posts) gets one validator per
//! alternative, so a failure names the nearest alternative and what is wrong
//! in it instead of only "not valid under any of the given schemas".

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::{Draft, JSONSchema};
use serde_json::{json, Value};

/// Environment variable that points at another copy of the spec.
pub const SPEC_ENV: &str = "DISCORD_OPENAPI_SPEC";

/// Where the spec is read from: `$DISCORD_OPENAPI_SPEC`, else
/// `../shared/discord-api-spec/openapi.json` beside the crate.
pub fn spec_path() -> PathBuf {
    match std::env::var_os(SPEC_ENV) {
        Some(p) if !p.is_empty() => PathBuf::from(p),
        _ => PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/discord-api-spec/openapi.json"
        )),
    }
}

/// One operation of the spec.
pub struct Operation {
    pub method: String,
    /// The path template, relative to `https://discord.com/api/v10`.
    pub template: String,
    segments: Vec<Option<String>>,
    /// `requestBody.content["application/json"].schema`, if any.
    schema: Option<Value>,
    /// Some request body at all (JSON, form or multipart).
    takes_body: bool,
}

impl Operation {
    fn literal_count(&self) -> usize {
        self.segments.iter().filter(|s| s.is_some()).count()
    }

    fn matches(&self, segments: &[&str]) -> bool {
        self.segments.len() == segments.len()
            && self.segments.iter().zip(segments).all(|(want, got)| match want {
                Some(lit) => lit == got,
                None => !got.is_empty(),
            })
    }
}

enum Validator {
    Single(JSONSchema),
    /// A top-level union: each alternative by name.
    Union(Vec<(String, JSONSchema)>),
}

/// Discord's OpenAPI spec, loaded once per test process.
pub struct Spec {
    components: Value,
    operations: Vec<Operation>,
    validators: Mutex<HashMap<usize, Arc<Result<Validator, String>>>>,
}

/// The spec, or a sentence saying why it cannot be used.
pub fn spec() -> Result<&'static Spec, String> {
    static SPEC: OnceLock<Result<Spec, String>> = OnceLock::new();
    SPEC.get_or_init(load).as_ref().map_err(Clone::clone)
}

fn load() -> Result<Spec, String> {
    let path = spec_path();
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "Discord's OpenAPI spec is needed to check request bodies, but {} cannot be read ({e}). \
             Put discord-api-spec/openapi.json in shared/ beside the repository, or set {SPEC_ENV}.",
            path.display()
        )
    })?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("Discord's OpenAPI spec at {} is not JSON: {e}", path.display()))?;
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| format!("{} has no \"paths\": not an OpenAPI document", path.display()))?;
    let components = doc
        .get("components")
        .cloned()
        .ok_or_else(|| format!("{} has no \"components\"", path.display()))?;
    let mut operations = Vec::new();
    for (template, item) in paths {
        let Some(item) = item.as_object() else { continue };
        for (method, op) in item {
            if !["get", "put", "post", "patch", "delete", "head", "options"].contains(&method.as_str()) {
                continue;
            }
            let body = op.get("requestBody");
            let schema = body
                .and_then(|b| b.pointer("/content/application~1json/schema"))
                .cloned();
            operations.push(Operation {
                method: method.to_uppercase(),
                template: template.clone(),
                segments: template
                    .trim_matches('/')
                    .split('/')
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') {
                            None
                        } else {
                            Some(s.to_string())
                        }
                    })
                    .collect(),
                schema,
                takes_body: body.is_some(),
            });
        }
    }
    if operations.is_empty() {
        return Err(format!("{} describes no operations", path.display()));
    }
    Ok(Spec {
        components,
        operations,
        validators: Mutex::new(HashMap::new()),
    })
}

fn options() -> jsonschema::CompilationOptions {
    let mut o = JSONSchema::options();
    // OpenAPI 3.1 uses JSON Schema 2020-12; the spec only uses keywords that
    // mean the same in draft 7 ($ref siblings there are only descriptions).
    o.with_draft(Draft::Draft7);
    // In 2020-12 contentEncoding is an annotation, not an assertion.
    o.without_content_encoding_support("base64");
    // Discord does check URLs and timestamps.
    o.should_validate_formats(true);
    o
}

impl Spec {
    /// The operation for `method` and a path relative to the API base
    /// (`/channels/1/messages`), preferring the template with the most literal
    /// segments.
    pub fn find(&self, method: &str, path: &str) -> Option<(usize, &Operation)> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.operations
            .iter()
            .enumerate()
            .filter(|(_, op)| op.method.eq_ignore_ascii_case(method) && op.matches(&segments))
            .max_by_key(|(_, op)| op.literal_count())
    }

    fn compile(&self, schema: &Value) -> Result<JSONSchema, String> {
        let root = json!({ "components": self.components, "allOf": [schema] });
        options()
            .compile(&root)
            .map_err(|e| format!("the spec's schema does not compile: {e}"))
    }

    fn validator(&self, index: usize) -> Arc<Result<Validator, String>> {
        if let Some(v) = self.validators.lock().unwrap_or_else(|e| e.into_inner()).get(&index) {
            return Arc::clone(v);
        }
        let op = &self.operations[index];
        let schema = op
            .schema
            .as_ref()
            .expect("only operations with a JSON schema are compiled");
        let alternatives = ["anyOf", "oneOf"]
            .iter()
            .find_map(|k| schema.get(*k))
            .and_then(Value::as_array);
        let built = match alternatives {
            Some(alts) if alts.iter().all(|a| a.get("$ref").is_some()) && schema.get("type").is_none() => alts
                .iter()
                .map(|a| {
                    let name = a["$ref"]
                        .as_str()
                        .unwrap_or("?")
                        .rsplit('/')
                        .next()
                        .unwrap_or("?")
                        .to_string();
                    self.compile(a).map(|v| (name, v))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Validator::Union),
            _ => self.compile(schema).map(Validator::Single),
        };
        let built = Arc::new(built);
        self.validators
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(index, Arc::clone(&built));
        built
    }

    /// Every way `body` breaks the spec for `method` on `api_path` (relative
    /// to the API base).
    pub fn problems(&self, method: &str, api_path: &str, body: &Value) -> Vec<Problem> {
        let Some((index, op)) = self.find(method, api_path) else {
            return vec![Problem::whole(format!(
                "no operation in Discord's OpenAPI spec is {method} {api_path}, so Discord takes no such body"
            ))];
        };
        if op.schema.is_none() {
            return vec![Problem::whole(if op.takes_body {
                format!("{method} {} takes no JSON body (only form or multipart)", op.template)
            } else {
                format!("{method} {} takes no request body", op.template)
            })];
        }
        match &*self.validator(index) {
            Err(e) => vec![Problem::whole(format!("{e} (operation {method} {})", op.template))],
            Ok(Validator::Single(v)) => errors(v, body),
            Ok(Validator::Union(alts)) => {
                let mut best: Option<(&str, Vec<Problem>)> = None;
                for (name, v) in alts {
                    let errs = errors(v, body);
                    if errs.is_empty() {
                        return Vec::new();
                    }
                    if best.as_ref().is_none_or(|(_, b)| errs.len() < b.len()) {
                        best = Some((name, errs));
                    }
                }
                let (name, errs) = best.unwrap_or(("?", Vec::new()));
                let n = alts.len();
                errs.into_iter()
                    .map(|mut p| {
                        p.message = format!(
                            "{} (matches none of the {n} alternatives; nearest is {name})",
                            p.message
                        );
                        p
                    })
                    .collect()
            }
        }
    }
}

/// One way a body breaks the spec.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Where in the body, as JSON pointer segments (empty: the whole body).
    pub path: Vec<String>,
    pub message: String,
}

impl Problem {
    fn whole(message: String) -> Problem {
        Problem {
            path: Vec::new(),
            message,
        }
    }

    /// "message at /instance/path"
    pub fn describe(&self) -> String {
        format!("{} at /{}", self.message, self.path.join("/"))
    }
}

fn errors(v: &JSONSchema, body: &Value) -> Vec<Problem> {
    match v.validate(body) {
        Ok(()) => Vec::new(),
        Err(errs) => errs
            .take(20)
            .map(|e| Problem {
                path: e.instance_path.clone().into_vec(),
                message: e.to_string(),
            })
            .collect(),
    }
}
