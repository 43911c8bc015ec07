//! The version gate of `errlint diff`: whether NEW's `info.version` allows breaking changes,
//! compared as the contract's `versions:` says (semver, a date, or no gate at all).

use crate::contract::VersionScheme;

/// Both sides' `info.version` and how they compare under the contract's scheme.
pub(super) struct Gate<'v> {
    scheme: VersionScheme,
    base: Option<&'v str>,
    new: Option<&'v str>,
    /// NEW is past BASE as the scheme counts; `None` when a side cannot be read that way,
    /// or there is no gate.
    pub bumped: Option<bool>,
}

/// What must grow for a breaking change: the semver major (the minor in 0.x), or the date.
type Line = (u64, u64, u64);

impl<'v> Gate<'v> {
    pub fn of(scheme: VersionScheme, base: Option<&'v str>, new: Option<&'v str>) -> Self {
        let line = |v: Option<&str>| v.and_then(|v| line_of(scheme, v));
        let bumped = match (scheme, line(base), line(new)) {
            (VersionScheme::Off, _, _) => None,
            (_, Some(was), Some(now)) => Some(now > was),
            _ => None,
        };
        Gate {
            scheme,
            base,
            new,
            bumped,
        }
    }

    /// The gate's own finding, id and message, when `breaking` changes call for one: NEW is
    /// not past BASE, or a side's version cannot be read as the scheme says.
    pub fn finding(&self, breaking: usize) -> Option<(&'static str, String)> {
        if breaking == 0 || self.scheme == VersionScheme::Off {
            return None;
        }
        let changes = format!(
            "{breaking} breaking change{} to the error contract",
            if breaking == 1 { "" } else { "s" }
        );
        match (self.bumped, self.base, self.new) {
            (Some(true), ..) => None,
            (Some(false), Some(was), Some(now)) => Some((
                "version-not-bumped",
                format!(
                    "{changes}, but `info.version` went from {was} to {now}: {}",
                    match self.scheme {
                        VersionScheme::Date => "the date is not later",
                        _ => "the major version did not increase",
                    }
                ),
            )),
            _ => {
                let unreadable: Vec<String> = [("BASE", self.base), ("NEW", self.new)]
                    .into_iter()
                    .filter_map(|(side, v)| match v {
                        Some(text) if line_of(self.scheme, text).is_some() => None,
                        Some(text) => Some(format!("{side}'s `{text}`")),
                        None => Some(format!("{side}'s missing `info.version`")),
                    })
                    .collect();
                Some((
                    "version-gate-unavailable",
                    format!(
                        "the version gate cannot apply: {} {} not {}, so breaking changes stay errors",
                        unreadable.join(" and "),
                        if unreadable.len() == 1 { "is" } else { "are" },
                        self.form()
                    ),
                ))
            }
        }
    }

    /// What a version must look like under the scheme.
    fn form(&self) -> &'static str {
        match self.scheme {
            VersionScheme::Date => "a date (YYYY-MM-DD)",
            _ => "semver (MAJOR.MINOR.PATCH)",
        }
    }

    pub fn help(&self, id: &str) -> String {
        let date = self.scheme == VersionScheme::Date;
        match (id, self.bumped) {
            ("version-not-bumped", _) if date => {
                "give NEW a later date as its `info.version`, or undo the breaking changes".into()
            }
            ("version-not-bumped", _) => {
                "increase the major version (the minor in 0.x), or undo the breaking changes".into()
            }
            ("version-gate-unavailable", _) => format!(
                "use {} as `info.version` on both sides, or set `versions:` in the contract",
                self.form()
            ),
            (_, Some(true)) if date => "allowed: NEW has a later date".into(),
            (_, Some(true)) => "allowed: the major version increased".into(),
            ("error-status-added", _) => {
                "clients written against the old version do not expect this status: document it in the changelog".into()
            }
            ("error-code-added" | "error-status-removed", _) => "compatible for clients".into(),
            _ => {
                let release = if date {
                    "release it under a later date"
                } else {
                    "increase the major version"
                };
                match id {
                    // Nothing was taken away: clients that never retried meet a new answer.
                    "rate-limit-added" => format!(
                        "clients written against the old version do not retry: leave the operation unlimited, or {release}"
                    ),
                    "retry-hint-removed" => {
                        format!("clients wait as the hint says: keep it, or {release}")
                    }
                    _ => format!("clients switch on this: keep it, or {release}"),
                }
            }
        }
    }
}

fn line_of(scheme: VersionScheme, version: &str) -> Option<Line> {
    match scheme {
        VersionScheme::Semver => semver_line(version).map(|(a, b)| (a, b, 0)),
        VersionScheme::Date => date_line(version),
        VersionScheme::Off => None,
    }
}

/// `info.version` as semver: the part that must grow for a breaking change (the major, or
/// the minor in 0.x).
fn semver_line(version: &str) -> Option<(u64, u64)> {
    let core = version.strip_prefix('v').unwrap_or(version);
    let core = core.split(['-', '+']).next()?;
    let mut parts = core.split('.');
    let mut number = || -> Option<u64> {
        let part = parts.next()?;
        let well_formed = !part.is_empty()
            && part.bytes().all(|b| b.is_ascii_digit())
            && (part == "0" || !part.starts_with('0'));
        well_formed.then(|| part.parse().ok())?
    };
    let (major, minor, _patch) = (number()?, number()?, number()?);
    if parts.next().is_some() {
        return None;
    }
    Some(if major == 0 { (0, minor) } else { (major, 0) })
}

/// `2023-09-12` as (year, month, day).
fn date_line(version: &str) -> Option<Line> {
    let mut parts = version.split('-');
    let mut number = |digits: usize, range: std::ops::RangeInclusive<u64>| -> Option<u64> {
        let part = parts.next()?;
        let n: u64 = (part.len() == digits && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse().ok())??;
        range.contains(&n).then_some(n)
    };
    let line = (number(4, 1..=9999)?, number(2, 1..=12)?, number(2, 1..=31)?);
    parts.next().is_none().then_some(line)
}

#[cfg(test)]
mod tests {
    use super::{date_line, semver_line};

    #[test]
    fn versions_are_read_as_their_scheme_says() {
        assert_eq!(semver_line("v2.3.4"), Some((2, 0)));
        assert_eq!(semver_line("0.7.1"), Some((0, 7)));
        assert_eq!(semver_line("2023-09-12"), None);
        assert_eq!(date_line("2023-09-12"), Some((2023, 9, 12)));
        for not_a_date in ["2023-9-12", "2023-13-01", "2023-09-12-x", "1.1.4", ""] {
            assert_eq!(date_line(not_a_date), None, "{not_a_date}");
        }
    }
}
