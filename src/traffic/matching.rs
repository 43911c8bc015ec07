//! Which operation and which response of a description a recorded exchange answers, as the
//! OpenAPI specification says: the request URL minus a server URL (its variables and path
//! included; 2.0's `host` and `basePath`), then a path template (concrete segments before
//! templated ones), then the method; then the response by exact status, its range (`4XX`), or
//! `default`. Query strings take no part.

use crate::document::NodeRef;
use crate::openapi::{Api, Model, Operation, StatusKey, Version};
use regex::Regex;

/// What a request matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// The index of the operation in [`Model::operations`].
    Operation(usize),
    /// A path of the description matched, but it has no operation for the method: the path as
    /// the description writes it.
    NoMethod { path: String },
    /// No path matched: the request's path shape (see [`path_shape`]), to report once for
    /// every request of that shape; and its host, when the description's servers name hosts
    /// and none of them is this one (a browser's recording holds every other host's requests
    /// too: fonts, analytics, the page itself).
    NoPath {
        shape: String,
        foreign_host: Option<String>,
    },
}

/// How a status found its response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusMatch {
    Exact,
    Range,
    Default,
}

/// Matches requests against one description's operations; built once, used for every exchange.
pub struct Matcher {
    groups: Vec<Group>,
}

/// The operations that share one list of servers (the document's, or a path item's or an
/// operation's own), with that list.
struct Group {
    servers_node: Option<NodeRef>,
    bases: Vec<Base>,
    paths: Vec<PathRoute>,
    /// The paths by their number of segments and first segment (empty when it is
    /// templated): a request is ranked against the few that can match it, not against
    /// GitHub's 900.
    by_shape: rustc_hash::FxHashMap<(usize, String), Vec<usize>>,
}

/// One server URL: its host, when it names one, and its path prefix, each a pattern.
struct Base {
    host: Option<Regex>,
    /// Matches a request path that starts with the prefix; the group `rest` is what follows.
    prefix: Regex,
    /// How long the prefix is as written: a longer one is a more specific server.
    specificity: usize,
}

struct PathRoute {
    template: String,
    segments: Vec<Segment>,
    /// Upper-case method and operation index.
    methods: Vec<(String, usize)>,
}

enum Segment {
    Literal(String),
    /// A segment that is one template, whole (`{owner}`): any segment matches, without a
    /// pattern.
    Any,
    /// A segment with a template in it (`v{major}`, `{name}.json`).
    Template(Regex),
}

impl Matcher {
    pub fn new(api: &Api<'_>, model: &Model<'_>) -> Matcher {
        let mut groups: Vec<Group> = Vec::new();
        for (index, operation) in model.operations.iter().enumerate() {
            if operation.webhook {
                continue;
            }
            let servers_node = own_servers(api, operation);
            let group = match groups.iter().position(|g| g.servers_node == servers_node) {
                Some(g) => g,
                None => {
                    groups.push(Group {
                        servers_node,
                        bases: bases(api, servers_node),
                        paths: Vec::new(),
                        by_shape: Default::default(),
                    });
                    groups.len() - 1
                }
            };
            let paths = &mut groups[group].paths;
            let route = match paths.iter().position(|p| p.template == operation.path) {
                Some(p) => p,
                None => {
                    paths.push(PathRoute {
                        template: operation.path.to_string(),
                        segments: segments(operation.path).map(Segment::of).collect(),
                        methods: Vec::new(),
                    });
                    paths.len() - 1
                }
            };
            paths[route].methods.push((method_of(operation), index));
        }
        for group in &mut groups {
            for (i, route) in group.paths.iter().enumerate() {
                let first = match route.segments.first() {
                    Some(Segment::Literal(text)) => text.clone(),
                    Some(Segment::Any | Segment::Template(_)) | None => String::new(),
                };
                let key = (route.segments.len(), first);
                group.by_shape.entry(key).or_default().push(i);
            }
        }
        Matcher { groups }
    }

    /// The operation a request answers. `url` is absolute (`https://host/v1/items/7`) or a
    /// path (`/v1/items/7`); any query or fragment is ignored.
    pub fn operation(&self, method: &str, url: &str) -> Match {
        let url = url.split(['?', '#']).next().unwrap_or(url);
        let (host, path) = split_url(url);
        let mut best = Best::default();
        for group in &self.groups {
            for (specificity, rest) in group.remainders(host, path) {
                let parts: Vec<&str> = segments(&rest).collect();
                best.consider(specificity, group.candidates(&parts), &parts, method);
            }
        }
        // A log that recorded paths only may have written them relative to the server (a
        // client configured with `https://api.example.com/v1` logs `/items/7`): when nothing
        // matched with a server's path, the path is taken as what follows one.
        if best.route.is_none() && host.is_none() {
            let parts: Vec<&str> = segments(path).collect();
            for group in &self.groups {
                best.consider(0, group.candidates(&parts), &parts, method);
            }
        }
        let Some((_, route)) = best.route else {
            return Match::NoPath {
                shape: path_shape(path),
                foreign_host: host.filter(|h| self.is_foreign(h)).map(str::to_string),
            };
        };
        match route.method(method) {
            Some(index) => Match::Operation(index),
            None => Match::NoMethod {
                path: route.template.clone(),
            },
        }
    }
}

impl Matcher {
    /// Whether the servers name hosts, and `host` is none of them.
    fn is_foreign(&self, host: &str) -> bool {
        let hosts = || {
            self.groups
                .iter()
                .flat_map(|g| &g.bases)
                .filter_map(|b| b.host.as_ref())
        };
        hosts().next().is_some() && !hosts().any(|pattern| pattern.is_match(host))
    }
}

/// The best route found so far: the most specific server, then the most concrete path (per
/// segment from the left, a literal over a template), then one that has the request's method
/// (two templates alike, `/a/{id}` and `/a/{digest}`, differ only by their methods).
#[derive(Default)]
struct Best<'m> {
    route: Option<(Rank, &'m PathRoute)>,
}

/// How well a route matches: the server's specificity, the literal segments from the left,
/// whether it has the method.
type Rank = (usize, Vec<bool>, bool);

impl<'m> Best<'m> {
    fn consider(
        &mut self,
        specificity: usize,
        candidates: impl Iterator<Item = &'m PathRoute>,
        parts: &[&str],
        method: &str,
    ) {
        for route in candidates {
            let Some(rank) = route.rank(parts) else {
                continue;
            };
            let key = (specificity, rank, route.method(method).is_some());
            if self.route.as_ref().is_none_or(|(best, _)| key > *best) {
                self.route = Some((key, route));
            }
        }
    }
}

impl Group {
    /// The paths that may match a request of these segments: those of its length whose first
    /// segment is its first or a template.
    fn candidates<'g>(&'g self, parts: &[&str]) -> impl Iterator<Item = &'g PathRoute> + 'g {
        let first = parts.first().copied().unwrap_or("");
        let literal = match first.is_empty() {
            true => None,
            false => self.by_shape.get(&(parts.len(), first.to_string())),
        };
        let templated = self.by_shape.get(&(parts.len(), String::new()));
        literal
            .into_iter()
            .chain(templated)
            .flatten()
            .map(|&i| &self.paths[i])
    }

    /// What is left of `path` after each server this group may be served from, with how
    /// specific that server is. A server whose host is the request's (or that names none) is
    /// taken first; when none is, the hosts are set aside, since traffic is often recorded
    /// against a staging or local host the description does not list.
    fn remainders(&self, host: Option<&str>, path: &str) -> Vec<(usize, String)> {
        let strip = |base: &Base| {
            base.prefix.captures(path).map(|c| {
                let rest = c.name("rest").map_or("", |m| m.as_str());
                (base.specificity, rest.to_string())
            })
        };
        let same_host: Vec<_> = self
            .bases
            .iter()
            .filter(|b| match (&b.host, host) {
                (Some(pattern), Some(host)) => pattern.is_match(host),
                _ => true,
            })
            .filter_map(strip)
            .collect();
        if !same_host.is_empty() {
            return same_host;
        }
        self.bases.iter().filter_map(strip).collect()
    }
}

impl PathRoute {
    /// Whether the path matches this template, and if so how concretely: per segment, from
    /// the left, whether it matched a literal. A greater rank is a better match.
    fn rank(&self, parts: &[&str]) -> Option<Vec<bool>> {
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut rank = Vec::with_capacity(parts.len());
        for (segment, part) in self.segments.iter().zip(parts) {
            rank.push(match segment {
                Segment::Literal(text) if text == part => true,
                Segment::Any => false,
                Segment::Template(pattern) if pattern.is_match(part) => false,
                _ => return None,
            });
        }
        Some(rank)
    }

    /// The operation of this path for a request's method, in any case.
    fn method(&self, method: &str) -> Option<usize> {
        self.methods
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(method))
            .map(|&(_, index)| index)
    }
}

impl Segment {
    fn of(text: &str) -> Segment {
        if !text.contains('{') {
            return Segment::Literal(text.to_string());
        }
        if text.starts_with('{') && text.ends_with('}') && text.matches('{').count() == 1 {
            return Segment::Any;
        }
        let pattern = format!("^{}$", template_pattern(text, &|_| "[^/]+".to_string()));
        // Every part is escaped or a fixed class: the pattern always compiles.
        Regex::new(&pattern).map_or_else(|_| Segment::Literal(text.to_string()), Segment::Template)
    }
}

/// The segments of a path: no empty ones, so `/items/` is `/items` and `//` is `/`.
fn segments(path: &str) -> impl Iterator<Item = &str> {
    path.split('/').filter(|s| !s.is_empty())
}

/// The method as a request writes it: a 3.2 `additionalOperations` method is named in the
/// operation's name (`PURGE /cache`).
fn method_of(operation: &Operation<'_>) -> String {
    let name = operation.name();
    name.split(' ')
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase()
}

/// The host (with its port) and the path of a URL; a path alone has no host.
fn split_url(url: &str) -> (Option<&str>, &str) {
    let after_scheme = match url.find("://") {
        Some(i) => &url[i + 3..],
        None if url.starts_with("//") => &url[2..],
        None => return (None, url),
    };
    let (authority, path) = match after_scheme.find('/') {
        Some(i) => (&after_scheme[..i], &after_scheme[i..]),
        None => (after_scheme, "/"),
    };
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    (Some(host), path)
}

/// The `servers` that apply to an operation when it or its path item has its own; `None` for
/// the document's.
fn own_servers(api: &Api<'_>, operation: &Operation<'_>) -> Option<NodeRef> {
    if api.version == Version::Swagger2 {
        return None;
    }
    [operation.node, operation.path_item]
        .into_iter()
        .filter_map(|at| api.get_deref(at, "servers"))
        .find(|servers| api.items(*servers).next().is_some())
}

/// The servers of a group: its own list, or the document's `servers` (3.x) or `host` and
/// `basePath` (2.0). No server at all is the server `/`.
fn bases(api: &Api<'_>, own: Option<NodeRef>) -> Vec<Base> {
    let mut bases = Vec::new();
    if api.version == Version::Swagger2 {
        let host = api.get(api.root, "host").and_then(|h| api.str(h));
        let base_path = api
            .get(api.root, "basePath")
            .and_then(|b| api.str(b))
            .unwrap_or("/");
        let url = host.map_or(base_path.to_string(), |h| format!("//{h}{base_path}"));
        bases.extend(base(&url, &|_| None));
    } else {
        let servers = own.or_else(|| api.get_deref(api.root, "servers"));
        for server in servers.into_iter().flat_map(|s| api.items(s)) {
            let Some(server) = api.deref(server) else {
                continue;
            };
            let Some(url) = api.get(server, "url").and_then(|u| api.str(u)) else {
                continue;
            };
            let variables = api.get_deref(server, "variables");
            let variable = |name: &str| {
                let v = variables.and_then(|vars| api.get_deref(vars, name))?;
                Some(variable_pattern(api, v))
            };
            bases.extend(base(url, &variable));
        }
    }
    if bases.is_empty() {
        bases.extend(base("/", &|_| None));
    }
    bases
}

/// What a server variable may stand for: one of its `enum` values, or any text (within one
/// segment unless its default spans several).
fn variable_pattern(api: &Api<'_>, variable: NodeRef) -> String {
    let values: Vec<&str> = api
        .get_deref(variable, "enum")
        .into_iter()
        .flat_map(|e| api.items(e))
        .filter_map(|v| api.scalar(v))
        .collect();
    if !values.is_empty() {
        let escaped: Vec<String> = values.iter().map(|v| regex::escape(v)).collect();
        return format!("(?:{})", escaped.join("|"));
    }
    let default = api
        .get(variable, "default")
        .and_then(|d| api.scalar(d))
        .unwrap_or("");
    if default.contains('/') {
        ".*?"
    } else {
        "[^/]*"
    }
    .to_string()
}

/// A server URL as patterns for its host and path; `None` when a pattern does not compile
/// (a variable's values are escaped, so only a pathological size could do that).
fn base(url: &str, variable: &dyn Fn(&str) -> Option<String>) -> Option<Base> {
    let (host, path) = match split_url(url) {
        (Some(host), path) => (Some(host), path),
        // A relative server URL (`/v1`, `v1`) is a path on the description's own host.
        (None, path) => (None, path),
    };
    let path = path.trim_end_matches('/');
    let path = if path.is_empty() || path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    };
    let pattern =
        |text: &str| template_pattern(text, &|name| variable(name).unwrap_or("[^/]*".into()));
    let prefix = Regex::new(&format!("^{}(?P<rest>/.*)?$", pattern(&path))).ok()?;
    let host = match host {
        Some(h) => Some(Regex::new(&format!("(?i)^{}$", pattern(h))).ok()?),
        None => None,
    };
    Some(Base {
        host,
        prefix,
        specificity: segments(&path).count(),
    })
}

/// A text with `{name}` placeholders as a regular expression: the text escaped, each
/// placeholder what `placeholder` says.
fn template_pattern(text: &str, placeholder: &dyn Fn(&str) -> String) -> String {
    let mut pattern = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        pattern.push_str(&regex::escape(&rest[..open]));
        pattern.push_str(&placeholder(&rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    pattern.push_str(&regex::escape(rest));
    pattern
}

/// The response of `operation` that a status finds: the exact code, else its range, else
/// `default`; its index in [`Operation::responses`].
pub fn response_for(operation: &Operation<'_>, status: u16) -> Option<(usize, StatusMatch)> {
    status_key_for(operation.responses.iter().map(|r| r.status), status)
}

/// Which of `keys` a status finds, as a response is found: the exact code, else its range,
/// else `default`; its index among them.
pub fn status_key_for(
    keys: impl Iterator<Item = StatusKey> + Clone,
    status: u16,
) -> Option<(usize, StatusMatch)> {
    let find = |wanted: StatusKey| keys.clone().position(|key| key == wanted);
    if let Some(i) = find(StatusKey::Code(status)) {
        return Some((i, StatusMatch::Exact));
    }
    if let Ok(range) = u8::try_from(status / 100) {
        if let Some(i) = find(StatusKey::Range(range)) {
            return Some((i, StatusMatch::Range));
        }
    }
    find(StatusKey::Default).map(|i| (i, StatusMatch::Default))
}

/// A request path with its identifiers made placeholders: numbers become `{n}`, UUIDs
/// `{uuid}`, so that `/items/7` and `/items/8` are one shape, `/items/{n}`.
pub fn path_shape(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let shaped: Vec<&str> = path
        .split('/')
        .map(|segment| {
            if !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit()) {
                "{n}"
            } else if is_uuid(segment) {
                "{uuid}"
            } else {
                segment
            }
        })
        .collect();
    shaped.join("/")
}

/// Eight, four, four, four and twelve hexadecimal digits joined by hyphens.
fn is_uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
#[path = "matching_tests.rs"]
mod tests;
