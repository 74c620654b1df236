//! The minimal Resource Access Manager (API 2018-01-04), on the same endpoint and chosen by
//! the SigV4 service name `ram`: a REST-JSON protocol (`POST /createresourceshare` with a
//! JSON body; JSON answers; errors as `{"__type", "message"}` with the code also in
//! `x-amzn-ErrorType`). Shares transit gateways with accounts.

use openvpc_core::ram::{self, Cmd, Invitation, ResourceShare};
use openvpc_core::{ApiError, Command, ErrorCode, Output, Result, World};
use serde_json::{json, Map, Value};

use crate::{Backend, Response};

/// The RAM API version.
pub const VERSION: &str = "2018-01-04";
/// The SigV4 service name that selects this protocol.
pub const SERVICE: &str = "ram";

/// Every served action with its request path.
pub const ACTIONS: &[(&str, &str)] = &[
    ("CreateResourceShare", "/createresourceshare"),
    ("AssociateResourceShare", "/associateresourceshare"),
    ("GetResourceShares", "/getresourceshares"),
    (
        "GetResourceShareInvitations",
        "/getresourceshareinvitations",
    ),
    (
        "AcceptResourceShareInvitation",
        "/acceptresourceshareinvitation",
    ),
];

/// The action a request path names, or `UnknownOperationException`.
pub fn action_of(path: &str) -> Result<&'static str> {
    ACTIONS
        .iter()
        .find(|(_, p)| *p == path)
        .map(|(a, _)| *a)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidAction,
                format!("The operation {path} is not served by openvpc's RAM."),
            )
        })
}

/// The error document of `err`: status 400 (the codes' own status for the others).
pub fn error_response(err: &ApiError) -> Response {
    let code = match err.code {
        ErrorCode::InvalidAction => "UnknownOperationException",
        c => c.as_str(),
    };
    Response {
        status: err.code.http_status(),
        body: json!({"__type": code, "message": err.message}).to_string(),
    }
}

/// Handles `action` with the JSON `body`.
pub fn handle(action: &str, body: &[u8], backend: &mut dyn Backend) -> Response {
    match run(action, body, backend) {
        Ok(v) => Response {
            status: 200,
            body: v.to_string(),
        },
        Err(e) => error_response(&e),
    }
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameterException, message)
}

/// The request body as a JSON object (an empty body is an empty object).
fn object(body: &[u8]) -> Result<Map<String, Value>> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(invalid("The request body is not a JSON object.")),
    }
}

fn string(m: &Map<String, Value>, name: &str) -> Result<Option<String>> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(invalid(format!("The parameter {name} must be a string."))),
    }
}

fn strings(m: &Map<String, Value>, name: &str) -> Result<Vec<String>> {
    match m.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(xs)) => xs
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| invalid(format!("The parameter {name} must list strings.")))
            })
            .collect(),
        Some(_) => Err(invalid(format!("The parameter {name} must be a list."))),
    }
}

fn required(m: &Map<String, Value>, name: &str) -> Result<String> {
    string(m, name)?.filter(|s| !s.is_empty()).ok_or_else(|| {
        ApiError::new(
            ErrorCode::MissingRequiredParameterException,
            format!("The request must contain the parameter {name}."),
        )
    })
}

fn seconds(ms: openvpc_core::Millis) -> f64 {
    ms as f64 / 1000.0
}

fn share_json(s: &ResourceShare) -> Value {
    json!({
        "resourceShareArn": s.id,
        "name": s.name,
        "owningAccountId": s.scope.account,
        "allowExternalPrincipals": s.allow_external_principals,
        "status": s.status.as_str(),
        "tags": s.tags.iter().map(|(k, v)| json!({"key": k, "value": v})).collect::<Vec<_>>(),
        "creationTime": seconds(s.created),
        "lastUpdatedTime": seconds(s.updated),
        "featureSet": "STANDARD",
    })
}

fn invitation_json(w: &World, i: &Invitation) -> Value {
    let name = w
        .resource_shares
        .get(&i.share_arn)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    json!({
        "resourceShareInvitationArn": i.id,
        "resourceShareName": name,
        "resourceShareArn": i.share_arn,
        "senderAccountId": i.sender,
        "receiverAccountId": i.scope.account,
        "invitationTimestamp": seconds(i.created),
        "status": i.status.as_str(),
    })
}

fn mutate(backend: &mut dyn Backend, cmd: Cmd) -> Result<String> {
    match backend.mutate(Command::Ram(cmd))? {
        Output::Id(id) => Ok(id),
        other => Err(ApiError::new(
            ErrorCode::InternalError,
            format!("unexpected output {other:?}"),
        )),
    }
}

fn run(action: &str, body: &[u8], backend: &mut dyn Backend) -> Result<Value> {
    let m = object(body)?;
    let token = string(&m, "clientToken")?;
    match action {
        "CreateResourceShare" => {
            let tags = match m.get("tags") {
                Some(Value::Array(xs)) => xs
                    .iter()
                    .map(|t| {
                        let k = t.get("key").and_then(Value::as_str);
                        let v = t.get("value").and_then(Value::as_str).unwrap_or("");
                        k.map(|k| (k.to_string(), v.to_string()))
                            .ok_or_else(|| invalid("A tag needs a key."))
                    })
                    .collect::<Result<Vec<_>>>()?,
                _ => Vec::new(),
            };
            let allow = match m.get("allowExternalPrincipals") {
                None | Some(Value::Null) => true,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(invalid("allowExternalPrincipals must be a boolean.")),
            };
            let arn = mutate(
                backend,
                Cmd::CreateResourceShare {
                    name: required(&m, "name")?,
                    resource_arns: strings(&m, "resourceArns")?,
                    principals: strings(&m, "principals")?,
                    allow_external_principals: allow,
                    tags,
                },
            )?;
            let s = backend
                .world()
                .resource_shares
                .get(&arn)
                .ok_or_else(|| invalid("the share vanished"))?;
            Ok(json!({"resourceShare": share_json(s), "clientToken": token}))
        }
        "AssociateResourceShare" => {
            let share_arn = required(&m, "resourceShareArn")?;
            let resources = strings(&m, "resourceArns")?;
            let principals = strings(&m, "principals")?;
            mutate(
                backend,
                Cmd::AssociateResourceShare {
                    share_arn: share_arn.clone(),
                    resource_arns: resources.clone(),
                    principals: principals.clone(),
                },
            )?;
            let w = backend.world();
            let s = w
                .resource_shares
                .get(&share_arn)
                .ok_or_else(|| invalid("the share vanished"))?;
            let item = |entity: &str, kind: &str, external: bool| {
                json!({
                    "resourceShareArn": s.id,
                    "resourceShareName": s.name,
                    "associatedEntity": entity,
                    "associationType": kind,
                    "status": "ASSOCIATED",
                    "creationTime": seconds(s.updated),
                    "lastUpdatedTime": seconds(s.updated),
                    "external": external,
                })
            };
            let items: Vec<Value> = resources
                .iter()
                .map(|r| item(r, "RESOURCE", false))
                .chain(principals.iter().map(|p| item(p, "PRINCIPAL", true)))
                .collect();
            Ok(json!({"resourceShareAssociations": items, "clientToken": token}))
        }
        "GetResourceShares" => {
            let self_owned = match required(&m, "resourceOwner")?.as_str() {
                "SELF" => true,
                "OTHER-ACCOUNTS" => false,
                other => {
                    return Err(invalid(format!(
                        "The resourceOwner {other} is not valid: use SELF or OTHER-ACCOUNTS."
                    )))
                }
            };
            let arns = strings(&m, "resourceShareArns")?;
            let name = string(&m, "name")?;
            let w = backend.world();
            let found = ram::get_shares(w, backend.ctx(), self_owned, &arns, name.as_deref());
            let shares: Vec<Value> = found.into_iter().map(share_json).collect();
            Ok(json!({ "resourceShares": shares }))
        }
        "GetResourceShareInvitations" => {
            let arns = strings(&m, "resourceShareInvitationArns")?;
            let share_arns = strings(&m, "resourceShareArns")?;
            let w = backend.world();
            let found = ram::get_invitations(w, backend.ctx(), &arns, &share_arns);
            if let Some(missing) = arns.iter().find(|a| !found.iter().any(|i| &i.id == *a)) {
                return Err(ApiError::new(
                    ErrorCode::ResourceShareInvitationArnNotFoundException,
                    format!("The resource share invitation {missing} could not be found."),
                ));
            }
            let items: Vec<Value> = found.into_iter().map(|i| invitation_json(w, i)).collect();
            Ok(json!({ "resourceShareInvitations": items }))
        }
        "AcceptResourceShareInvitation" => {
            let arn = mutate(
                backend,
                Cmd::AcceptInvitation {
                    invitation_arn: required(&m, "resourceShareInvitationArn")?,
                },
            )?;
            let w = backend.world();
            let i = w
                .ram_invitations
                .get(&arn)
                .ok_or_else(|| invalid("the invitation vanished"))?;
            Ok(json!({"resourceShareInvitation": invitation_json(w, i), "clientToken": token}))
        }
        other => Err(action_of(other).err().unwrap_or_else(|| invalid(other))),
    }
}
