//! The dotted field paths (`errors[].code`) that profiles name and schemas are asked about.

/// One segment of a field path such as `errors[].code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub name: String,
    /// `[]`: the field is an array and the path continues into its items.
    pub each_item: bool,
}

/// A dotted field path: `code`, `error.code`, `errors[].code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    pub text: String,
    pub segments: Vec<Segment>,
}

impl FieldPath {
    pub fn parse(text: &str) -> Self {
        let segments = text
            .split('.')
            .map(|s| match s.strip_suffix("[]") {
                Some(name) => Segment {
                    name: name.to_string(),
                    each_item: true,
                },
                None => Segment {
                    name: s.to_string(),
                    each_item: false,
                },
            })
            .collect();
        FieldPath {
            text: text.to_string(),
            segments,
        }
    }

    /// The path up to and including segment `index`, as written (`errors[]` keeps its `[]`
    /// only when more follows).
    pub(super) fn prefix(&self, index: usize) -> String {
        let mut out = String::new();
        for (i, segment) in self.segments[..=index].iter().enumerate() {
            if i > 0 {
                out.push('.');
            }
            out.push_str(&segment.name);
            if segment.each_item && i < index {
                out.push_str("[]");
            }
        }
        out
    }
}
