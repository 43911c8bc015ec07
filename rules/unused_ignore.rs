//! `unused-ignore`: an `x-errlint-ignore` entry that suppresses nothing.

use super::Rule;
use crate::contract::IGNORE_EXTENSION;
use crate::engine::{Context, Report};

declare_rule! {
    /// ## What it checks
    /// `x-errlint-ignore: [RULE, …]` on an operation, a path item, a response or a schema
    /// suppresses those rules' findings there and below (and, for a shared definition, for the
    /// uses under it). An entry that suppressed nothing in this run is reported, so that
    /// suppressions do not outlive the problems they hid. An entry naming an unknown rule is
    /// reported too. Entries for rules that are turned off are left alone.
    ///
    /// ## Why
    /// A stale suppression hides the next real finding at the same place.
    ///
    /// ## Bad
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /health:
    ///     get:
    ///       x-errlint-ignore: [error-status-coverage]   # the operation documents its 5xx now
    ///       responses:
    ///         '200': {description: ok}
    ///         '5XX':
    ///           description: Server error
    ///           content:
    ///             application/json:
    ///               schema: {$ref: '#/components/schemas/Error'}
    /// components:
    ///   schemas:
    ///     Error:
    ///       type: object
    ///       required: [code]
    ///       properties:
    ///         code: {type: string}
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// openapi: 3.0.3
    /// info: {title: Shop, version: '1'}
    /// paths:
    ///   /health:
    ///     get:
    ///       x-errlint-ignore: [error-status-coverage]   # still needed: a health check answers or times out
    ///       responses:
    ///         '200': {description: ok}
    /// ```
    pub struct UnusedIgnore;
    id: "unused-ignore",
    severity: Warning,
    summary: "`x-errlint-ignore` entries that suppress nothing",
}

impl Rule for UnusedIgnore {
    rule_meta!(UnusedIgnore);

    /// Runs last (it is last in the rule list), when every other rule's findings are settled
    /// and the policy knows which entries suppressed something.
    fn finish(&mut self, cx: &mut Context<'_, '_>) {
        let policy = cx.policy();
        let mut found = Vec::new();
        for at in policy
            .ignore_lists()
            .iter()
            .flat_map(|list| list.entries.iter().copied())
        {
            let Some(name) = cx.api.str(at) else {
                let message = format!(
                    "`{IGNORE_EXTENSION}` takes a rule id or a list of rule ids, not this"
                );
                found.push(Report::new(at, message).help("write `[rule-id, …]`"));
                continue;
            };
            let enabled = |id: &str| {
                !policy.set_on_command_line(id)
                    && super::find(id).is_some_and(|m| policy.may_run(m.id, m.default_severity))
            };
            let message = if super::find(name).is_none() {
                format!("`{name}` in `{IGNORE_EXTENSION}` is not a rule")
            } else if !enabled(name) || policy.was_used(at) {
                continue;
            } else {
                format!("`{name}` in `{IGNORE_EXTENSION}` suppresses nothing here")
            };
            found.push(Report::new(at, message).help("remove the entry"));
        }
        for report in found {
            cx.report(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::tester::Tester;

    #[test]
    fn an_ignore_that_is_not_a_rule_id_says_so() {
        Tester::new("unused-ignore")
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      x-errlint-ignore: {error-status-coverage: true}
                      responses:
                        '200': {description: ok}
                        '5XX': {description: x, content: {application/json: {schema: {required: [code], properties: {code: {type: string}}}}}}
                "#,
                &[(5, "`x-errlint-ignore` takes a rule id or a list of rule ids, not this")],
            )
            .fail(
                r#"
                openapi: 3.0.3
                paths:
                  /a:
                    get:
                      x-errlint-ignore: [error-status-coverag]
                      responses:
                        '200': {description: ok}
                        '5XX': {description: x, content: {application/json: {schema: {required: [code], properties: {code: {type: string}}}}}}
                "#,
                &[(5, "`error-status-coverag` in `x-errlint-ignore` is not a rule")],
            )
            .run();
    }
}
