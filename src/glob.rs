//! Globs written by whoever opened the pull request (config overrides) or typed on the command
//! line, compiled only when they are small: a glob with 84 nested `{a,b}` or a huge alternation
//! made the glob compiler panic or run away.

/// The longest glob accepted, in bytes.
pub const MAX_LENGTH: usize = 1024;
/// How deep `{…}` alternations may nest.
pub const MAX_NESTING: usize = 4;
/// How many alternatives (commas inside braces) one glob may have in all.
pub const MAX_ALTERNATIVES: usize = 256;

/// Compiles `pattern` (`/` never matched by `*`), or says why it is refused.
pub fn compile(pattern: &str) -> Result<globset::GlobMatcher, String> {
    Ok(build(pattern)?.compile_matcher())
}

/// Parses `pattern` for a glob set, after the same checks.
pub fn build(pattern: &str) -> Result<globset::Glob, String> {
    check_size(pattern)?;
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

fn check_size(pattern: &str) -> Result<(), String> {
    if pattern.len() > MAX_LENGTH {
        return Err(format!(
            "the glob is {} bytes long; at most {MAX_LENGTH} are accepted",
            pattern.len()
        ));
    }
    let (mut depth, mut deepest, mut alternatives) = (0usize, 0usize, 0usize);
    let mut escaped = false;
    for c in pattern.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            '}' => depth = depth.saturating_sub(1),
            ',' if depth > 0 => alternatives += 1,
            _ => {}
        }
    }
    if deepest > MAX_NESTING {
        return Err(format!(
            "`{{…}}` alternations nest {deepest} deep; at most {MAX_NESTING} are accepted"
        ));
    }
    if alternatives > MAX_ALTERNATIVES {
        return Err(format!(
            "the glob has {alternatives} alternatives; at most {MAX_ALTERNATIVES} are accepted"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::compile;

    #[test]
    fn hostile_globs_are_refused_before_compiling() {
        let nested = format!("{}x{}", "{a,".repeat(84), "}".repeat(84));
        assert!(compile(&nested).unwrap_err().contains("nest 84 deep"));
        let wide = format!("/v1/{{{}}}", vec!["a"; 5000].join(","));
        assert!(compile(&wide).is_err());
        assert!(compile(&"a".repeat(2000)).is_err());
        assert!(
            compile("/v1/{rules,verdicts}/*")
                .unwrap()
                .is_match("/v1/rules/x")
        );
    }
}
