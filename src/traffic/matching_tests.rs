//! Matching on small descriptions: servers with variables and paths, 2.0's `basePath`,
//! concrete before templated segments, the method after the path, and the response by code,
//! range and `default`.

use super::*;
use crate::document::{DocumentSet, LoadOptions};

/// What each request matches in the description, as operation names or the other outcomes.
fn matches(yaml: &str, requests: &[(&str, &str)]) -> Vec<String> {
    let docs = DocumentSet::load_text("api.yaml".into(), yaml, None, LoadOptions::default());
    let api = Api::new(&docs).expect("an OpenAPI document");
    let model = Model::build(&api);
    let matcher = Matcher::new(&api, &model);
    requests
        .iter()
        .map(|(method, url)| match matcher.operation(method, url) {
            Match::Operation(i) => model.operations[i].name().to_string(),
            Match::NoMethod { path } => format!("no {method} on {path}"),
            Match::NoPath {
                shape,
                foreign_host: None,
            } => format!("no path {shape}"),
            Match::NoPath {
                shape,
                foreign_host: Some(host),
            } => format!("no path {shape} on {host}"),
        })
        .collect()
}

const SERVERS: &str = "
openapi: 3.1.0
info: {title: t, version: '1'}
servers:
  - url: https://{region}.api.example.com/{version}
    variables:
      region: {default: eu, enum: [eu, us]}
      version: {default: v1}
paths:
  /items/{id}:
    get: {responses: {'200': {description: ok}}}
    delete: {responses: {'204': {description: gone}}}
  /items/mine:
    get: {responses: {'200': {description: ok}}}
  /files/{name}.json:
    get: {responses: {'200': {description: ok}}}
  /upload:
    servers:
      - url: https://files.example.com/
    post: {responses: {'201': {description: stored}}}
webhooks:
  itemAdded:
    post: {responses: {'200': {description: ok}}}
";

#[test]
fn servers_with_variables_then_concrete_paths_before_templated_ones() {
    assert_eq!(
        matches(
            SERVERS,
            &[
                ("GET", "https://eu.api.example.com/v1/items/42"),
                ("GET", "https://US.api.example.com/v2/items/mine/"),
                ("GET", "https://eu.api.example.com/v1/items/mine?id=7"),
                ("DELETE", "https://eu.api.example.com/v1/items/mine"),
                ("get", "https://eu.api.example.com/v1/files/report.json"),
                ("GET", "https://eu.api.example.com/v1/files/report.xml"),
                ("GET", "https://eu.api.example.com/items/42"),
                ("POST", "https://files.example.com/upload"),
                ("POST", "https://eu.api.example.com/v1/upload"),
                ("POST", "https://eu.api.example.com/v1/itemAdded"),
            ]
        ),
        [
            "GET /items/{id}",
            "GET /items/mine",
            "GET /items/mine",
            "no DELETE on /items/mine",
            "GET /files/{name}.json",
            "no path /v1/files/report.xml",
            "no path /items/{n}",
            "POST /upload",
            "no path /v1/upload",
            "no path /v1/itemAdded",
        ]
    );
}

/// Traffic recorded against a host the description does not list (staging, a local server)
/// is matched by the servers' paths; a host outside a server's `enum` is such a host too. When
/// no path matches, the host is said with the shape.
#[test]
fn a_host_no_server_names_is_matched_by_the_servers_paths() {
    assert_eq!(
        matches(
            SERVERS,
            &[
                ("GET", "http://localhost:8080/v1/items/3"),
                ("GET", "https://fr.api.example.com/v3/items/3"),
                ("GET", "/v1/items/3"),
                ("GET", "http://localhost:8080/items/3"),
            ]
        ),
        [
            "GET /items/{id}",
            "GET /items/{id}",
            "GET /items/{id}",
            "no path /items/{n} on localhost:8080"
        ]
    );
}

/// A log of paths only may write them relative to the server (`/items/3` for
/// `https://api.example.com/v1/items/3`); with a server's path, that reading wins.
#[test]
fn a_path_alone_may_be_relative_to_the_server() {
    let yaml = "openapi: 3.0.3\nservers: [{url: 'https://api.example.com/v1'}]\npaths:\n  /items/{id}: {get: {responses: {'200': {description: ok}}}}\n  /v1/items/{id}: {get: {responses: {'200': {description: ok}}}}\n";
    assert_eq!(
        matches(
            yaml,
            &[
                ("GET", "/items/3"),
                ("GET", "/v1/items/3"),
                ("GET", "https://api.example.com/items/3")
            ]
        ),
        ["GET /items/{id}", "GET /items/{id}", "no path /items/{n}"]
    );
}

#[test]
fn swagger_2_host_and_base_path() {
    let yaml = "
swagger: '2.0'
info: {title: t, version: '1'}
host: api.example.com
basePath: /api/v2/
paths:
  /users/{id}:
    get: {responses: {'200': {description: ok}}}
";
    assert_eq!(
        matches(
            yaml,
            &[
                ("GET", "https://api.example.com/api/v2/users/5"),
                ("GET", "https://api.example.com/users/5"),
                ("GET", "https://api.example.com/api/v2/users/5/friends"),
            ]
        ),
        [
            "GET /users/{id}",
            "no path /users/{n}",
            "no path /api/v2/users/{n}/friends"
        ]
    );
}

/// No servers is the server `/`; a relative server URL is a path prefix on any host; of
/// several servers that fit, the longest prefix is the one the request was sent to.
#[test]
fn no_servers_relative_servers_and_the_most_specific_prefix() {
    let bare = "
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /status:
    get: {responses: {'200': {description: ok}}}
";
    assert_eq!(
        matches(
            bare,
            &[("GET", "https://x.example/status"), ("GET", "/v1/status")]
        ),
        ["GET /status", "no path /v1/status"]
    );
    let layered = "
openapi: 3.0.3
info: {title: t, version: '1'}
servers: [{url: 'https://api.example.com'}, {url: '/v1'}]
paths:
  /status:
    get: {responses: {'200': {description: ok}}}
  /v1/status:
    get: {responses: {'200': {description: ok}}}
";
    assert_eq!(
        matches(
            layered,
            &[
                ("GET", "https://api.example.com/v1/status"),
                ("GET", "https://api.example.com/status")
            ]
        ),
        ["GET /status", "GET /status"]
    );
}

#[test]
fn the_response_is_the_exact_status_then_its_range_then_default() {
    let yaml = "
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200': {description: ok}
        '404': {description: missing}
        4XX: {description: client}
        default: {description: other}
  /b:
    get:
      responses:
        '200': {description: ok}
";
    let docs = DocumentSet::load_text("api.yaml".into(), yaml, None, LoadOptions::default());
    let api = Api::new(&docs).unwrap();
    let model = Model::build(&api);
    let a = &model.operations[0];
    let found = |op: &Operation<'_>, status| {
        response_for(op, status).map(|(i, how)| (op.responses[i].status_text.to_string(), how))
    };
    assert_eq!(found(a, 404), Some(("404".into(), StatusMatch::Exact)));
    assert_eq!(found(a, 409), Some(("4XX".into(), StatusMatch::Range)));
    assert_eq!(
        found(a, 503),
        Some(("default".into(), StatusMatch::Default))
    );
    assert_eq!(found(&model.operations[1], 500), None);
}

#[test]
fn path_shapes_hide_numbers_and_uuids_only() {
    assert_eq!(
        path_shape("/items/42/orders/3F2B8C1E-9a4d-4e7b-8c2d-1a2b3c4d5e6f?token=x"),
        "/items/{n}/orders/{uuid}"
    );
    assert_eq!(path_shape("/v2/items/mine/"), "/v2/items/mine/");
    assert_eq!(
        path_shape("/x/3f2b8c1e-9a4d-4e7b-8c2d-1a2b3c4d5e6"),
        "/x/3f2b8c1e-9a4d-4e7b-8c2d-1a2b3c4d5e6"
    );
}

/// Paths are found by their length and first segment: one that starts with a template is a
/// candidate for every request of its length, and a literal one still wins over it.
#[test]
fn a_template_in_the_first_segment_is_matched_beside_literal_ones() {
    let yaml = "openapi: 3.0.3\npaths:\n  /{tenant}/items: {get: {responses: {'200': {description: ok}}}}\n  /{tenant}/items/{id}: {get: {responses: {'200': {description: ok}}}}\n  /static/items: {get: {responses: {'200': {description: ok}}}}\n  /: {get: {responses: {'200': {description: ok}}}}\n";
    assert_eq!(
        matches(
            yaml,
            &[
                ("GET", "/acme/items"),
                ("GET", "/static/items"),
                ("GET", "/acme/items/7"),
                ("GET", "/"),
                ("GET", "/acme/other/7"),
            ]
        ),
        [
            "GET /{tenant}/items",
            "GET /static/items",
            "GET /{tenant}/items/{id}",
            "GET /",
            "no path /acme/other/{n}"
        ]
    );
}

/// Two templates alike (`/a/{id}` and `/a/{digest}`) are told apart by their methods, as
/// GitHub's attestations are: the request goes to the one that has its method.
#[test]
fn templates_alike_are_told_apart_by_their_methods() {
    let yaml = "openapi: 3.0.3\npaths:\n  /att/{id}: {delete: {responses: {'204': {description: ok}}}}\n  /att/{digest}: {get: {responses: {'200': {description: ok}}}}\n";
    assert_eq!(
        matches(
            yaml,
            &[("GET", "/att/x"), ("DELETE", "/att/x"), ("PUT", "/att/x")]
        ),
        [
            "GET /att/{digest}",
            "DELETE /att/{id}",
            "no PUT on /att/{id}"
        ]
    );
}
