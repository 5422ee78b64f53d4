//! Scenarios that inherit: a scenario names a base and writes only what differs from it.
//!
//! ```text
//! Scenario(
//!     base: "us-china-2025",           // an embedded scenario, or a path relative to this file
//!     name: "us-china-cheap-chips",
//!     global: (chip_cost_usd_per_h100e: 15000.0),
//!     nations: [(id: "chn", chip_price_multiplier: 1.0)],
//! )
//! ```
//!
//! **Merge rules** (the file's values over its base's, field by field):
//! - a struct merges field by field, recursively; a field the file does not write keeps the base's
//!   value, a field the base lacks is added (and must then be a field of the schema);
//! - a list whose items all have an `id` (`nations`, `labs`, `chip_origins`), in the base and in the
//!   file, merges by id: an item whose id is in the base merges into that item, in the base's
//!   order; an item with a new id is added after the base's items, in the order written;
//! - every other value replaces the base's whole: numbers, strings, distributions
//!   (`triangular(…)`), lists without ids (`buyers`, `export_controls_on`,
//!   `ai_research_multipliers`) and empty lists (`labs: []` drops the base's labs);
//! - nothing else is removed: an item of an id list stays unless the list is emptied;
//! - a base may itself inherit; a chain is resolved from its root, and a cycle is an error.
//!
//! The merge works on the text: the result is the base's text with the file's values written into
//! it (the *resolved text*), which is then parsed and validated as any scenario. Every character of
//! the resolved text remembers the file and offset it came from, so an error names the file, line
//! and column where the offending value was written, in the base or in the inheriting file. The
//! field path in the message is the path in the resolved scenario (`nations[2].gdp_usd`).
//!
//! The engine reads no files: the caller passes a resolver, `(base as written, file that names it)
//! → (file name, source)`.

use crate::ron_locate::{DISTRIBUTION_NAMES, Locations};
use crate::scenario::Scenario;
use crate::uncertainty::UncertainScenario;
use crate::validate::{ScenarioError, ScenarioErrors};

/// Finds a base: given the base as written and the file that names it, the base's file name (as
/// errors will show it) and its text, or why it cannot be found.
pub type Resolver<'a> = dyn Fn(&str, &str) -> Result<(String, String), String> + 'a;

/// The field that names a scenario's base.
pub const BASE_FIELD: &str = "base";

/// Deepest chain of bases resolved (a backstop for resolvers that name ever new files).
pub const MAX_BASE_DEPTH: usize = 32;

/// A resolver that finds no base: for callers that have none (`parse_scenario`).
pub fn no_bases(base: &str, _from_file: &str) -> Result<(String, String), String> {
    Err(format!(
        "no base scenarios are available here to resolve `{base}` (parse with a resolver)"
    ))
}

/// The text without a leading UTF-8 byte-order mark, which some editors on Windows write: it is
/// not RON, and a user who did not write it should not be told about it.
fn without_bom(source: &str) -> &str {
    source.strip_prefix('\u{feff}').unwrap_or(source)
}

/// Whether the text names a base (a top-level `base` field).
pub fn inherits(source: &str) -> bool {
    Locations::scan(source).value(BASE_FIELD).is_some()
}

/// Parses and validates the scenario in `source`; `file` is only used in the errors.
///
/// A syntax or type error gives one error. If the text parses, every failed check of [`crate::validate::validate`]
/// is reported, sorted by position.
///
/// Numbers written as distributions (`uniform(0.1, 0.3)`, see [`crate::uncertainty`]) take their
/// central value; [`crate::parse_uncertain_scenario`] keeps the distributions too.
///
/// A scenario that names a base (see this module) needs a resolver:
/// [`parse_scenario_with`]. Here its `base` field is an error.
pub fn parse_scenario(file: &str, source: &str) -> Result<Scenario, ScenarioErrors> {
    parse_scenario_with(file, source, &no_bases)
}

/// [`crate::parse_scenario`] for a scenario that may inherit: bases are found with `resolver`.
pub fn parse_scenario_with(
    file: &str,
    source: &str,
    resolver: &Resolver<'_>,
) -> Result<Scenario, ScenarioErrors> {
    let source = without_bom(source);
    if !inherits(source) {
        return parse_text(file, source);
    }
    resolve(file, source, resolver)?.parse()
}

/// Parses a scenario whose numbers may be distributions. Errors name FILE:LINE:COL and the field.
///
/// A scenario that names a base (see this module) needs a resolver:
/// [`parse_uncertain_scenario_with`]. Here its `base` field is an error.
pub fn parse_uncertain_scenario(
    file: &str,
    source: &str,
) -> Result<UncertainScenario, ScenarioErrors> {
    parse_uncertain_scenario_with(file, source, &no_bases)
}

/// [`crate::parse_uncertain_scenario`] for a scenario that may inherit. Distributions and shared
/// factors may be written in the file and in its bases; the resolved scenario's paths (the columns
/// of `worlds.csv`) are those of a file that wrote everything out.
pub fn parse_uncertain_scenario_with(
    file: &str,
    source: &str,
    resolver: &Resolver<'_>,
) -> Result<UncertainScenario, ScenarioErrors> {
    let source = without_bom(source);
    if !inherits(source) {
        return crate::uncertainty::parse_uncertain_text(file, source);
    }
    resolve(file, source, resolver)?.parse_uncertain()
}

/// [`crate::parse_scenario`] for a text that names no base.
pub(crate) fn parse_text(file: &str, source: &str) -> Result<Scenario, ScenarioErrors> {
    if Locations::scan(source).calls().is_empty() {
        return crate::validate::parse_point_scenario(file, source);
    }
    crate::uncertainty::parse_uncertain_text(file, source)
        .map(|u| std::sync::Arc::unwrap_or_clone(u.central))
}

/// A scenario with its bases merged in: the resolved text and where each character came from.
#[derive(Clone, Debug)]
pub struct Resolved {
    /// The chain: the file itself first, then its base, its base's base…: `(file, source)`.
    files: Vec<(String, String)>,
    text: String,
    map: SourceMap,
}

/// Resolves the chain of bases of `source` (named `file` in errors) into one text. A file without
/// a base resolves to itself.
pub fn resolve(
    file: &str,
    source: &str,
    resolver: &Resolver<'_>,
) -> Result<Resolved, ScenarioErrors> {
    let source = without_bom(source);
    let mut files = Vec::new();
    let (text, map) = resolve_layer(file, source, resolver, &mut files)?;
    Ok(Resolved { files, text, map })
}

impl Resolved {
    /// The resolved text: valid RON (unless a file holds an error) with every field of the chain.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The files of the chain, the inheriting file first and the root base last.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.files.iter().map(|(f, _)| f.as_str())
    }

    /// Parses and validates the resolved scenario; errors name the file where each value is written.
    pub fn parse(&self) -> Result<Scenario, ScenarioErrors> {
        parse_text(&self.files[0].0, &self.text).map_err(|e| self.remap(e))
    }

    /// [`Resolved::parse`], keeping the distributions (see [`crate::uncertainty`]).
    pub fn parse_uncertain(&self) -> Result<UncertainScenario, ScenarioErrors> {
        crate::uncertainty::parse_uncertain_text(&self.files[0].0, &self.text)
            .map_err(|e| self.remap(e))
    }

    /// Errors about the resolved text, moved to the file, line and column they came from.
    fn remap(&self, errors: ScenarioErrors) -> ScenarioErrors {
        if self.files.len() == 1 {
            return errors;
        }
        let lines = LineStarts::new(&self.text);
        let remapped = errors
            .0
            .into_iter()
            .map(|mut e| {
                let offset = lines.offset(e.line, e.column);
                let (file, at) = self.map.origin(offset);
                let (name, source) = &self.files[file];
                let (line, column) = line_column(source, at);
                e.file.clone_from(name);
                e.line = line;
                e.column = column;
                e
            })
            .collect();
        ScenarioErrors(remapped)
    }
}

/// Where each run of characters of a resolved text came from.
#[derive(Clone, Debug, Default)]
struct SourceMap {
    /// Sorted by `at`, contiguous.
    segments: Vec<Segment>,
}

#[derive(Clone, Copy, Debug)]
struct Segment {
    /// Character offset in the resolved text.
    at: usize,
    len: usize,
    /// Index of the file in the chain.
    file: usize,
    /// Character offset in that file of the segment's first character.
    from: usize,
    /// Written by the merge (separators): every character maps to `from`.
    synthetic: bool,
}

impl SourceMap {
    /// The file and character offset that the resolved text's character `offset` came from.
    fn origin(&self, offset: usize) -> (usize, usize) {
        let i = self
            .segments
            .partition_point(|s| s.at <= offset)
            .saturating_sub(1);
        match self.segments.get(i) {
            None => (0, 0),
            Some(s) if s.synthetic => (s.file, s.from),
            Some(s) => (
                s.file,
                s.from + (offset - s.at).min(s.len.saturating_sub(1)),
            ),
        }
    }
}

/// A resolved text being written: its characters and their map.
#[derive(Default)]
struct Writer {
    text: Vec<char>,
    map: SourceMap,
}

impl Writer {
    fn push(&mut self, chars: &[char], file: usize, from: usize, synthetic: bool) {
        if chars.is_empty() {
            return;
        }
        self.map.segments.push(Segment {
            at: self.text.len(),
            len: chars.len(),
            file,
            from,
            synthetic,
        });
        self.text.extend_from_slice(chars);
    }

    /// Copies `base[from..to]`, keeping what its own map says of every character.
    fn copy_mapped(&mut self, base: &[char], map: &SourceMap, from: usize, to: usize) {
        let first = map.segments.partition_point(|s| s.at + s.len <= from);
        for s in &map.segments[first..] {
            if s.at >= to {
                break;
            }
            let start = s.at.max(from);
            let end = (s.at + s.len).min(to);
            let origin = if s.synthetic {
                s.from
            } else {
                s.from + (start - s.at)
            };
            self.push(&base[start..end], s.file, origin, s.synthetic);
        }
    }
}

/// Resolves one file of the chain (pushed on `files`) and everything below it.
fn resolve_layer(
    file: &str,
    source: &str,
    resolver: &Resolver<'_>,
    files: &mut Vec<(String, String)>,
) -> Result<(String, SourceMap), ScenarioErrors> {
    let index = files.len();
    files.push((file.to_string(), source.to_string()));
    let chars: Vec<char> = source.chars().collect();
    let identity = || SourceMap {
        segments: vec![Segment {
            at: 0,
            len: chars.len(),
            file: index,
            from: 0,
            synthetic: false,
        }],
    };
    if !inherits(source) {
        return Ok((source.to_string(), identity()));
    }
    let error = |at: usize, path: &str, problem: &str| {
        let (line, column) = line_column(source, at);
        ScenarioErrors(vec![ScenarioError::new(file, line, column, path, problem)])
    };
    let tree = Parser::parse(&chars).map_err(|e| error(e.at, "", &e.message))?;
    let Kind::Struct { fields, .. } = &tree.kind else {
        return Err(error(
            tree.start,
            "",
            "a scenario that names a base must be a struct",
        ));
    };
    let Some(base_field) = fields.iter().find(|f| f.name == BASE_FIELD) else {
        return Err(error(
            tree.start,
            "",
            "a scenario that names a base must be a struct",
        ));
    };
    let value = &base_field.value;
    let written: String = chars[value.start..value.end].iter().collect();
    let name = match (&value.kind, ron::from_str::<String>(&written)) {
        (Kind::Leaf, Ok(name)) => name,
        _ => {
            return Err(error(
                value.start,
                BASE_FIELD,
                "must be a string: the name of an embedded scenario or a path relative to this file",
            ));
        }
    };
    if index + 1 > MAX_BASE_DEPTH {
        return Err(error(
            value.start,
            BASE_FIELD,
            &format!("more than {MAX_BASE_DEPTH} bases deep"),
        ));
    }
    let (base_file, base_source) = resolver(&name, file).map_err(|why| {
        error(
            value.start,
            BASE_FIELD,
            &format!("cannot find base scenario `{name}`: {why}"),
        )
    })?;
    if let Some(seen) = files.iter().position(|(f, _)| *f == base_file) {
        let cycle: Vec<&str> = files[seen..]
            .iter()
            .map(|(f, _)| f.as_str())
            .chain([base_file.as_str()])
            .collect();
        return Err(error(
            value.start,
            BASE_FIELD,
            &format!("bases form a cycle: {}", cycle.join(" → ")),
        ));
    }
    let (base_text, base_map) = resolve_layer(&base_file, &base_source, resolver, files)?;
    let base_chars: Vec<char> = base_text.chars().collect();
    let base_tree = Parser::parse(&base_chars).map_err(|e| {
        let (file, at) = base_map.origin(e.at);
        let (name, text) = &files[file];
        let (line, column) = line_column(text, at);
        ScenarioErrors(vec![ScenarioError::new(name, line, column, "", &e.message)])
    })?;
    let mut merge = Merge {
        base: &base_chars,
        over: &chars,
        edits: Vec::new(),
        errors: Vec::new(),
    };
    merge.node(&base_tree, &tree, true);
    if !merge.errors.is_empty() {
        let errors = merge
            .errors
            .iter()
            .map(|(at, problem)| {
                let (line, column) = line_column(source, *at);
                ScenarioError::new(file, line, column, "", problem)
            })
            .collect();
        return Err(ScenarioErrors(errors));
    }
    let mut edits = merge.edits;
    edits.sort_by_key(|e| e.start);
    let mut out = Writer::default();
    let mut cursor = 0;
    for edit in &edits {
        out.copy_mapped(&base_chars, &base_map, cursor, edit.start);
        match &edit.with {
            With::Replace { from, to } => out.push(&chars[*from..*to], index, *from, false),
            With::Insert { comma_first, items } => {
                let anchor = items.first().map_or(0, |&(from, _)| from);
                let separator: Vec<char> =
                    if *comma_first { ",\n" } else { "\n" }.chars().collect();
                out.push(&separator, index, anchor, true);
                for &(from, to) in items {
                    out.push(&chars[from..to], index, from, false);
                    out.push(&[',', '\n'], index, from, true);
                }
            }
        }
        cursor = edit.end;
    }
    out.copy_mapped(&base_chars, &base_map, cursor, base_chars.len());
    Ok((out.text.iter().collect(), out.map))
}

/// One change to the base's text.
struct Edit {
    start: usize,
    end: usize,
    with: With,
}

enum With {
    /// The file's text `[from, to)` in place of the base's `[start, end)`.
    Replace { from: usize, to: usize },
    /// The file's items (fields or list items, `[from, to)` each) before a closing bracket.
    Insert {
        comma_first: bool,
        items: Vec<(usize, usize)>,
    },
}

/// The merge of one file into its resolved base: edits to the base's text.
struct Merge<'a> {
    base: &'a [char],
    over: &'a [char],
    edits: Vec<Edit>,
    /// (offset in the file, problem)
    errors: Vec<(usize, String)>,
}

impl Merge<'_> {
    fn node(&mut self, base: &Node, over: &Node, root: bool) {
        match (&base.kind, &over.kind) {
            (
                Kind::Struct {
                    fields: base_fields,
                    close,
                    trailing_comma,
                },
                Kind::Struct { fields, .. },
            ) => {
                let mut added = Vec::new();
                for (i, field) in fields.iter().enumerate() {
                    if fields[..i].iter().any(|f| f.name == field.name) {
                        self.errors
                            .push((field.key_start, format!("duplicate field `{}`", field.name)));
                        continue;
                    }
                    if root && field.name == BASE_FIELD {
                        continue;
                    }
                    match base_fields.iter().find(|f| f.name == field.name) {
                        Some(b) => self.node(&b.value, &field.value, false),
                        None => added.push((field.key_start, field.value.end)),
                    }
                }
                self.insert(*close, !base_fields.is_empty() && !trailing_comma, added);
            }
            (
                Kind::List {
                    items: base_items,
                    close,
                    trailing_comma,
                },
                Kind::List { items, .. },
            ) if !items.is_empty()
                && base_items.iter().all(|n| id_of(self.base, n).is_some())
                && items.iter().all(|n| id_of(self.over, n).is_some()) =>
            {
                let mut added = Vec::new();
                for (i, item) in items.iter().enumerate() {
                    let id = id_of(self.over, item).expect("checked above");
                    if items[..i]
                        .iter()
                        .any(|n| id_of(self.over, n) == Some(id.clone()))
                    {
                        self.errors
                            .push((item.start, format!("duplicate id `{id}` in this list")));
                        continue;
                    }
                    match base_items
                        .iter()
                        .find(|n| id_of(self.base, n) == Some(id.clone()))
                    {
                        Some(b) => self.node(b, item, false),
                        None => added.push((item.start, item.end)),
                    }
                }
                self.insert(*close, !base_items.is_empty() && !trailing_comma, added);
            }
            _ => self.edits.push(Edit {
                start: base.start,
                end: base.end,
                with: With::Replace {
                    from: over.start,
                    to: over.end,
                },
            }),
        }
    }

    fn insert(&mut self, close: usize, comma_first: bool, items: Vec<(usize, usize)>) {
        if !items.is_empty() {
            self.edits.push(Edit {
                start: close,
                end: close,
                with: With::Insert { comma_first, items },
            });
        }
    }
}

/// The `id` of a list item that is a struct with a string `id` field.
fn id_of(text: &[char], node: &Node) -> Option<String> {
    let Kind::Struct { fields, .. } = &node.kind else {
        return None;
    };
    let id = &fields.iter().find(|f| f.name == "id")?.value;
    let written: String = text[id.start..id.end].iter().collect();
    ron::from_str::<String>(&written).ok()
}

/// 1-based line and column (in characters) of the character offset `at` in `source`.
fn line_column(source: &str, at: usize) -> (usize, usize) {
    let (mut line, mut column) = (1, 1);
    for c in source.chars().take(at) {
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// Character offsets of the starts of lines, to turn a line and column back into an offset.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(text: &str) -> LineStarts {
        let mut starts = vec![0];
        starts.extend(
            text.chars()
                .enumerate()
                .filter(|&(_, c)| c == '\n')
                .map(|(i, _)| i + 1),
        );
        LineStarts(starts)
    }

    fn offset(&self, line: usize, column: usize) -> usize {
        let line = line.clamp(1, self.0.len());
        let start = self.0[line - 1];
        let end = self.0.get(line).map_or(usize::MAX, |next| next - 1);
        (start + column.saturating_sub(1)).min(end)
    }
}

/// A value in the text, with its span in characters `[start, end)`.
#[derive(Debug)]
struct Node {
    start: usize,
    end: usize,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    /// `(name: value, …)` or `Name(name: value, …)`; also `()`.
    Struct {
        fields: Vec<Field>,
        /// Offset of the closing `)`.
        close: usize,
        trailing_comma: bool,
    },
    /// `[item, …]`.
    List {
        items: Vec<Node>,
        close: usize,
        trailing_comma: bool,
    },
    /// Replaced whole: numbers, strings, identifiers, distributions, tuples, maps, `Some(…)`.
    Leaf,
}

#[derive(Debug)]
struct Field {
    name: String,
    key_start: usize,
    value: Node,
}

/// A syntax error at a character offset.
struct SyntaxError {
    at: usize,
    message: String,
}

/// Deeper nesting is refused, so that hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 128;

/// A strict reader of RON's structure (not of its scalars, which ron reads afterwards).
struct Parser<'a> {
    src: &'a [char],
    i: usize,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Parser<'_> {
    /// The document's one value (after any `#![enable(…)]` attributes).
    fn parse(src: &[char]) -> Result<Node, SyntaxError> {
        let mut p = Parser { src, i: 0 };
        p.trivia()?;
        while p.peek() == Some('#') {
            p.i += 1;
            if p.peek() == Some('!') {
                p.i += 1;
            }
            p.trivia()?;
            if p.peek() != Some('[') {
                return Err(p.error("expected `[` after `#`"));
            }
            p.value(0)?;
            p.trivia()?;
        }
        let node = p.value(0)?;
        p.trivia()?;
        if p.peek().is_some() {
            return Err(p.error("unexpected text after the scenario"));
        }
        Ok(node)
    }

    fn peek(&self) -> Option<char> {
        self.src.get(self.i).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.i + n).copied()
    }

    fn error(&self, message: &str) -> SyntaxError {
        SyntaxError {
            at: self.i.min(self.src.len()),
            message: message.to_string(),
        }
    }

    fn trivia(&mut self) -> Result<(), SyntaxError> {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if c.is_whitespace() => self.i += 1,
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.peek() {
                        self.i += 1;
                        if c == '\n' {
                            break;
                        }
                    }
                }
                (Some('/'), Some('*')) => {
                    let open = self.i;
                    self.i += 2;
                    let mut level = 1;
                    while level > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => {
                                self.i = open;
                                return Err(self.error("unclosed comment"));
                            }
                            (Some('/'), Some('*')) => {
                                self.i += 2;
                                level += 1;
                            }
                            (Some('*'), Some('/')) => {
                                self.i += 2;
                                level -= 1;
                            }
                            _ => self.i += 1,
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// An identifier; a raw identifier `r#name` yields `name`.
    fn identifier(&mut self) -> String {
        let raw = self.peek() == Some('r') && self.peek_at(1) == Some('#');
        if raw {
            self.i += 2;
        }
        let from = self.i;
        while self
            .peek()
            .is_some_and(|c| is_ident_char(c) || (raw && matches!(c, '.' | '+' | '-')))
        {
            self.i += 1;
        }
        self.src[from..self.i].iter().collect()
    }

    /// `name:` ahead (not `name::`)? Consumes it; otherwise consumes nothing.
    fn field_key(&mut self) -> Result<Option<(String, usize)>, SyntaxError> {
        let start = self.i;
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        let raw_string = c == 'r' && matches!(self.peek_at(1), Some('"' | '#')) && {
            let mut k = 1;
            while self.peek_at(k) == Some('#') {
                k += 1;
            }
            self.peek_at(k) == Some('"')
        };
        if !is_ident_start(c) || raw_string {
            return Ok(None);
        }
        let name = self.identifier();
        self.trivia()?;
        if self.peek() == Some(':') && self.peek_at(1) != Some(':') {
            self.i += 1;
            Ok(Some((name, start)))
        } else {
            self.i = start;
            Ok(None)
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        self.trivia()?;
        if depth > MAX_DEPTH {
            return Err(self.error("nested too deeply"));
        }
        let start = self.i;
        let leaf = |p: &Parser<'_>| Node {
            start,
            end: p.i,
            kind: Kind::Leaf,
        };
        match self.peek() {
            None => Err(self.error("expected a value, found the end of the text")),
            Some('[') => {
                self.i += 1;
                let mut items = Vec::new();
                let (close, trailing_comma) = self.items(']', |p| {
                    items.push(p.value(depth + 1)?);
                    Ok(())
                })?;
                Ok(Node {
                    start,
                    end: self.i,
                    kind: Kind::List {
                        items,
                        close,
                        trailing_comma,
                    },
                })
            }
            Some('{') => {
                self.i += 1;
                self.items('}', |p| {
                    p.value(depth + 1)?;
                    p.trivia()?;
                    if p.peek() != Some(':') {
                        return Err(p.error("expected `:` after a map key"));
                    }
                    p.i += 1;
                    p.value(depth + 1).map(drop)
                })?;
                Ok(leaf(self))
            }
            Some('(') => self.group(start, depth),
            Some('"') => {
                self.string()?;
                Ok(leaf(self))
            }
            Some('\'') => {
                self.char_literal()?;
                Ok(leaf(self))
            }
            Some('b') if self.peek_at(1) == Some('\'') => {
                self.i += 1;
                self.char_literal()?;
                Ok(leaf(self))
            }
            Some('b') if self.peek_at(1) == Some('"') => {
                self.i += 1;
                self.string()?;
                Ok(leaf(self))
            }
            Some(c) if (c == 'r' || c == 'b') && self.raw_string_ahead() => {
                self.raw_string()?;
                Ok(leaf(self))
            }
            Some(c) if is_ident_start(c) => {
                let name = self.identifier();
                let after = self.i;
                self.trivia()?;
                if self.peek() != Some('(') {
                    self.i = after;
                    return Ok(leaf(self));
                }
                if DISTRIBUTION_NAMES.contains(&name.as_str()) || name == "Some" {
                    self.i += 1;
                    // Arguments as written (a distribution's `factor: "x"` is not RON): balanced.
                    self.items(')', |p| {
                        p.field_key()?;
                        p.value(depth + 1).map(drop)
                    })?;
                    return Ok(leaf(self));
                }
                self.group(start, depth)
            }
            Some(c) if matches!(c, ',' | ':' | ')' | ']' | '}') => {
                Err(self.error(&format!("expected a value, found `{c}`")))
            }
            Some(_) => {
                while let Some(c) = self.peek() {
                    let comment = c == '/' && matches!(self.peek_at(1), Some('/' | '*'));
                    if c.is_whitespace()
                        || comment
                        || matches!(
                            c,
                            ',' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | '\''
                        )
                    {
                        break;
                    }
                    self.i += 1;
                }
                Ok(leaf(self))
            }
        }
    }

    /// At `(`: a struct when its first item is `name: value` (or it is empty), else a tuple.
    fn group(&mut self, start: usize, depth: usize) -> Result<Node, SyntaxError> {
        self.i += 1;
        self.trivia()?;
        let saved = self.i;
        let is_struct = self.peek() == Some(')') || self.field_key()?.is_some();
        self.i = saved;
        if !is_struct {
            self.items(')', |p| p.value(depth + 1).map(drop))?;
            return Ok(Node {
                start,
                end: self.i,
                kind: Kind::Leaf,
            });
        }
        let mut fields = Vec::new();
        let (close, trailing_comma) = self.items(')', |p| {
            let Some((name, key_start)) = p.field_key()? else {
                return Err(p.error("expected a field, `name: value`"));
            };
            let value = p.value(depth + 1)?;
            fields.push(Field {
                name,
                key_start,
                value,
            });
            Ok(())
        })?;
        Ok(Node {
            start,
            end: self.i,
            kind: Kind::Struct {
                fields,
                close,
                trailing_comma,
            },
        })
    }

    /// After an opener: items separated by commas up to `close`. Returns the closer's offset and
    /// whether the last item had a trailing comma.
    fn items(
        &mut self,
        close: char,
        mut item: impl FnMut(&mut Self) -> Result<(), SyntaxError>,
    ) -> Result<(usize, bool), SyntaxError> {
        let open = self.i.saturating_sub(1);
        let mut trailing_comma = false;
        loop {
            self.trivia()?;
            match self.peek() {
                None => {
                    let mut e =
                        self.error(&format!("expected `{close}`, found the end of the text"));
                    if self.src.get(open).is_some() {
                        e.message = format!("unclosed `{}`: {}", self.src[open], e.message);
                    }
                    return Err(e);
                }
                Some(c) if c == close => {
                    self.i += 1;
                    return Ok((self.i - 1, trailing_comma));
                }
                _ => {}
            }
            item(self)?;
            self.trivia()?;
            match self.peek() {
                Some(',') => {
                    self.i += 1;
                    trailing_comma = true;
                }
                Some(c) if c == close => trailing_comma = false,
                None => {}
                Some(_) => return Err(self.error(&format!("expected `,` or `{close}`"))),
            }
        }
    }

    fn char_literal(&mut self) -> Result<(), SyntaxError> {
        self.quoted('\'', "unclosed character literal")
    }

    fn string(&mut self) -> Result<(), SyntaxError> {
        self.quoted('"', "unclosed string")
    }

    /// A literal from the quote at the cursor to its closing `quote` (backslash escapes skipped).
    fn quoted(&mut self, quote: char, unclosed: &str) -> Result<(), SyntaxError> {
        let open = self.i;
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == '\\' {
                self.i += 1;
            } else if c == quote {
                return Ok(());
            }
        }
        self.i = open;
        Err(self.error(unclosed))
    }

    /// `r"…"`, `r#"…"#`, `br"…"` ahead?
    fn raw_string_ahead(&self) -> bool {
        let mut k = usize::from(self.peek() == Some('b'));
        if self.peek_at(k) != Some('r') {
            return false;
        }
        k += 1;
        while self.peek_at(k) == Some('#') {
            k += 1;
        }
        self.peek_at(k) == Some('"')
    }

    fn raw_string(&mut self) -> Result<(), SyntaxError> {
        let open = self.i;
        if self.peek() == Some('b') {
            self.i += 1;
        }
        self.i += 1;
        let mut hashes = 0;
        while self.peek() == Some('#') {
            self.i += 1;
            hashes += 1;
        }
        self.i += 1;
        while let Some(c) = self.peek() {
            self.i += 1;
            if c == '"' && (0..hashes).all(|k| self.peek_at(k) == Some('#')) {
                self.i += hashes;
                return Ok(());
            }
        }
        self.i = open;
        Err(self.error("unclosed raw string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_byte_order_mark_is_read_past() {
        let e = gigawatt_data::scenario(gigawatt_data::DEFAULT_SCENARIO).unwrap();
        let with_bom = format!("\u{feff}{}", e.source);
        let plain = parse_scenario(e.file, e.source).expect("valid");
        assert_eq!(parse_scenario(e.file, &with_bom), Ok(plain.clone()));
        let uncertain = parse_uncertain_scenario(e.file, &with_bom).expect("valid");
        assert_eq!(*uncertain.central, plain);
        // An inheriting file with a mark, too.
        let child = "\u{feff}Scenario(base: \"us-china-2025\", name: \"child\")";
        let s =
            parse_scenario_with("child.ron", child, &gigawatt_data::embedded_base).expect("valid");
        assert_eq!(s.name, "child");
    }

    /// A resolver over the embedded scenarios and the given in-memory files.
    fn files(
        extra: &[(&str, &str)],
    ) -> impl Fn(&str, &str) -> Result<(String, String), String> + use<> {
        let extra: Vec<(String, String)> = extra
            .iter()
            .map(|(f, s)| (f.to_string(), s.to_string()))
            .collect();
        move |name, from| {
            if let Ok(found) = gigawatt_data::embedded_base(name, from) {
                return Ok(found);
            }
            extra
                .iter()
                .find(|(f, _)| f == name)
                .cloned()
                .ok_or_else(|| format!("no such file `{name}`"))
        }
    }

    fn parse(file: &str, source: &str, extra: &[(&str, &str)]) -> Result<Scenario, ScenarioErrors> {
        parse_scenario_with(file, source, &files(extra))
    }

    fn base() -> Scenario {
        let e = gigawatt_data::scenario("us-china-2025").expect("embedded");
        parse_text(e.file, e.source).expect("valid")
    }

    /// 1-based (line, column) of the first occurrence of `needle` in `text`.
    fn at(text: &str, needle: &str) -> (usize, usize) {
        let offset = text
            .find(needle)
            .unwrap_or_else(|| panic!("`{needle}` not in text"));
        let before = &text[..offset];
        (
            before.matches('\n').count() + 1,
            before.rsplit('\n').next().unwrap_or("").chars().count() + 1,
        )
    }

    fn only_error(result: Result<Scenario, ScenarioErrors>) -> ScenarioError {
        let errors = result.expect_err("must fail").0;
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors.into_iter().next().expect("one")
    }

    fn located(e: &ScenarioError) -> (&str, usize, usize) {
        (e.file.as_str(), e.line, e.column)
    }

    #[test]
    fn fields_not_written_keep_the_base_values() {
        let text = "Scenario(\n    base: \"us-china-2025\",\n    name: \"cheap\",\n    global: (chip_cost_usd_per_h100e: 15000.0),\n)\n";
        let s = parse("cheap.ron", text, &[]).expect("valid");
        let mut want = base();
        want.name = "cheap".into();
        want.global.chip_cost_usd_per_h100e = 15000.0;
        assert_eq!(s, want);
    }

    #[test]
    fn lists_with_ids_merge_by_id_and_others_are_replaced() {
        let text = r#"Scenario(
    base: "us-china-2025",
    global: (chip_origins: [(id: "chn-domestic", buyers: [(nation: "chn", share: 0.5)])]),
    nations: [(id: "chn", initial_policy: (export_controls_on: ["usa"]), chip_price_multiplier: 1.0)],
    labs: [(id: "deepseek", capital_usd: 4.0e9)],
)"#;
        let s = parse("x.ron", text, &[]).expect("valid");
        let mut want = base();
        want.global.chip_origins[1].buyers.truncate(1);
        want.global.chip_origins[1].buyers[0].share = 0.5;
        let chn = want.nation_index("chn").expect("chn");
        want.nations[chn].initial_policy.export_controls_on = vec!["usa".into()];
        want.nations[chn].chip_price_multiplier = 1.0;
        let deepseek = want.lab_index("deepseek").expect("deepseek");
        want.labs[deepseek].capital_usd = 4.0e9;
        assert_eq!(s, want);
    }

    #[test]
    fn an_empty_list_replaces_and_new_ids_are_appended() {
        let text = "Scenario(base: \"us-china-2025\", labs: [])";
        // The base's labs are gone: every nation is left without one.
        let errors = parse("x.ron", text, &[]).expect_err("no labs").0;
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().all(|e| e.message.contains("has no lab")),
            "{errors:?}"
        );
        let lab = "(id: \"new-lab\", name: \"New\", nation: \"usa\", capital_usd: 1.0e9, h100e: 1000.0, datacenter_it_mw: 1.0, h100e_on_order: 0.0, datacenter_it_mw_under_construction: 0.0, training_share: 0.4, largest_run_flop: 1.0e24, data_stock_tokens: 3.0e14, national_share: 0.0)";
        let text = format!("Scenario(base: \"us-china-2025\", labs: [{lab}])");
        let s = parse("x.ron", &text, &[]).expect("valid");
        let ids: Vec<&str> = s.labs.iter().map(|l| l.id.as_str()).collect();
        let mut want: Vec<String> = base().labs.iter().map(|l| l.id.clone()).collect();
        want.push("new-lab".into());
        assert_eq!(ids, want);
    }

    #[test]
    fn chains_resolve_from_the_root() {
        let middle = "Scenario(base: \"us-china-2025\", name: \"middle\", global: (utilisation: 0.3, datacenter_pue: 1.3))";
        let top = "Scenario(base: \"middle.ron\", global: (utilisation: 0.5))";
        let resolver = files(&[("middle.ron", middle)]);
        let resolved = resolve("top.ron", top, &resolver).expect("resolves");
        assert_eq!(
            resolved.files().collect::<Vec<_>>(),
            ["top.ron", "middle.ron", "data/scenarios/us-china-2025.ron"]
        );
        let s = resolved.parse().expect("valid");
        let mut want = base();
        want.name = "middle".into();
        want.global.utilisation = 0.5;
        want.global.datacenter_pue = 1.3;
        assert_eq!(s, want);
    }

    #[test]
    fn a_bad_value_is_located_in_the_file_that_wrote_it() {
        // In the inheriting file.
        let text = "Scenario(\n    base: \"us-china-2025\",\n    global: (utilisation: 1.5),\n)\n";
        let e = only_error(parse("over.ron", text, &[]));
        let (line, column) = at(text, "1.5");
        assert_eq!(located(&e), ("over.ron", line, column));
        assert_eq!(e.path, "global.utilisation");
        // In the base: its value is not overridden.
        let bad_base = "Scenario(base: \"us-china-2025\", global: (datacenter_pue: 0.5))";
        let text = "Scenario(\n    base: \"bad-base.ron\",\n    global: (utilisation: 0.5),\n)\n";
        let e = only_error(parse("over.ron", text, &[("bad-base.ron", bad_base)]));
        let (line, column) = at(bad_base, "0.5");
        assert_eq!(located(&e), ("bad-base.ron", line, column));
        assert_eq!(e.path, "global.datacenter_pue");
        // Overridden with a good value: no error.
        let text = "Scenario(base: \"bad-base.ron\", global: (datacenter_pue: 1.1))";
        parse("over.ron", text, &[("bad-base.ron", bad_base)]).expect("valid");
    }

    #[test]
    fn a_value_in_the_embedded_base_is_located_there() {
        // A cross-field check (`largest_run_share` ≤ `max_largest_run_share`) fails on the
        // base's value once the override lowers the maximum.
        let text = "Scenario(\n    base: \"us-china-2025\",\n    global: (max_largest_run_share: 0.05),\n)\n";
        let e = only_error(parse("over.ron", text, &[]));
        let source = gigawatt_data::scenario("us-china-2025")
            .expect("embedded")
            .source;
        let (line, column) = at(source, "0.12,");
        assert_eq!(
            located(&e),
            ("data/scenarios/us-china-2025.ron", line, column)
        );
        assert_eq!(e.path, "global.largest_run_share");
    }

    #[test]
    fn unknown_fields_and_type_errors_in_an_override() {
        let text = "Scenario(\n    base: \"us-china-2025\",\n    global: (\n        sofware_returns: 2.0,\n    ),\n)\n";
        let e = only_error(parse("over.ron", text, &[]));
        assert_eq!(located(&e), ("over.ron", 4, 9));
        assert!(
            e.message
                .contains("unknown field `sofware_returns`; did you mean `software_returns`?"),
            "{e}"
        );
        let text = "Scenario(\n    base: \"us-china-2025\",\n    nations: [(id: \"usa\", gdp_usd: \"big\")],\n)\n";
        let e = only_error(parse("over.ron", text, &[]));
        let (line, column) = at(text, "\"big\"");
        assert_eq!(located(&e), ("over.ron", line, column));
        assert_eq!(e.path, "nations[0].gdp_usd");
        // A new nation must be written whole: the missing field is named in the file.
        let text = "Scenario(\n    base: \"us-china-2025\",\n    nations: [(id: \"new\", name: \"New\")],\n)\n";
        let e = only_error(parse("over.ron", text, &[]));
        assert_eq!(e.file, "over.ron");
        assert!(e.message.contains("missing field"), "{e}");
    }

    #[test]
    fn a_missing_base_is_an_error_at_the_base_field() {
        let text = "Scenario(\n    name: \"x\",\n    base: \"nowhere.ron\",\n)\n";
        let e = only_error(parse("over.ron", text, &[]));
        assert_eq!(located(&e), ("over.ron", 3, 11));
        assert_eq!(e.path, "base");
        assert!(
            e.message
                .contains("cannot find base scenario `nowhere.ron`: no such file"),
            "{e}"
        );
        // Without a resolver, the base field says so.
        let e = only_error(crate::parse_scenario("over.ron", text));
        assert_eq!(located(&e), ("over.ron", 3, 11));
        let text = "Scenario(base: 3)";
        let e = only_error(parse("over.ron", text, &[]));
        assert!(e.message.contains("must be a string"), "{e}");
    }

    #[test]
    fn a_cycle_is_an_error_naming_the_files() {
        let a = "Scenario(base: \"b.ron\")";
        let b = "Scenario(\n  base: \"a.ron\",\n)";
        let e = only_error(parse("a.ron", a, &[("a.ron", a), ("b.ron", b)]));
        assert_eq!(located(&e), ("b.ron", 2, 9));
        assert!(e.message.contains("a.ron → b.ron → a.ron"), "{e}");
        let e = only_error(parse("a.ron", a, &[("b.ron", a)]));
        assert!(e.message.contains("b.ron → b.ron"), "{e}");
    }

    #[test]
    fn syntax_errors_and_duplicates_in_an_override_are_located() {
        let text = "Scenario(\n    base: \"us-china-2025\"\n    name: \"x\",\n)\n";
        let e = only_error(parse("over.ron", text, &[]));
        assert_eq!(located(&e), ("over.ron", 3, 5));
        assert!(e.message.contains("expected `,` or `)`"), "{e}");
        let text = "Scenario(\n    base: \"us-china-2025\",\n    global: (utilisation: 0.3, utilisation: 0.4),\n)\n";
        let e = only_error(parse("over.ron", text, &[]));
        assert_eq!(located(&e), ("over.ron", 3, 32));
        assert!(e.message.contains("duplicate field `utilisation`"), "{e}");
    }

    #[test]
    fn distributions_and_factors_work_in_overrides_and_bases() {
        let text = r#"Scenario(
    base: "us-china-2025",
    global: (utilisation: uniform(0.3, 0.5, factor: "chips")),
    nations: [(id: "chn", chip_price_multiplier: triangular(1.0, 1.3, 1.6, factor: "chips"))],
)"#;
        let u = parse_uncertain_scenario_with("over.ron", text, &files(&[])).expect("valid");
        let base = crate::uncertainty::parse_uncertain_text(
            "base",
            gigawatt_data::scenario("us-china-2025")
                .expect("embedded")
                .source,
        )
        .expect("valid");
        let paths: Vec<&str> = u.uncertainties.iter().map(|x| x.path.as_str()).collect();
        assert!(paths.contains(&"global.utilisation"), "{paths:?}");
        assert!(
            paths.contains(&"nations[1].chip_price_multiplier"),
            "{paths:?}"
        );
        // Every distribution of the base is still there, plus the two written here.
        assert_eq!(u.uncertainties.len(), base.uncertainties.len() + 2);
        for x in &base.uncertainties {
            assert!(
                u.uncertainties
                    .iter()
                    .any(|y| y.path == x.path && y.distribution == x.distribution)
            );
        }
        let chips: Vec<_> = u
            .uncertainties
            .iter()
            .filter(|x| x.factor.as_ref().is_some_and(|f| f.0 == "chips"))
            .collect();
        assert_eq!(chips.len(), 2);
        assert_eq!(u.central.global.utilisation, 0.4);
        // A distribution replaced by a number is no longer uncertain.
        let text = "Scenario(base: \"us-china-2025\", global: (software_returns: 1.2))";
        let u = parse_uncertain_scenario_with("over.ron", text, &files(&[])).expect("valid");
        assert_eq!(u.uncertainties.len(), base.uncertainties.len() - 1);
        // A bad distribution in an override is located there.
        let text =
            "Scenario(\n  base: \"us-china-2025\",\n  global: (utilisation: uniform(0.5, 0.3)),\n)";
        let errors = parse_uncertain_scenario_with("over.ron", text, &files(&[])).expect_err("bad");
        let (line, column) = at(text, "uniform");
        assert_eq!(located(&errors.0[0]), ("over.ron", line, column));
    }

    #[test]
    fn a_file_without_a_base_is_unchanged() {
        let e = gigawatt_data::scenario("us-china-2025").expect("embedded");
        let resolved = resolve(e.file, e.source, &no_bases).expect("resolves");
        assert_eq!(resolved.text(), e.source);
        assert_eq!(resolved.files().count(), 1);
    }

    #[test]
    fn the_parser_refuses_malformed_text_without_panicking() {
        for text in [
            "Scenario(base: \"us-china-2025\"",
            "Scenario(base: \"us-china-2025\", global: (utilisation 0.3))",
            "Scenario(base: \"us-china-2025\", name: \"x)",
            "Scenario(base: \"us-china-2025\", /* x )",
            "Scenario(base: \"us-china-2025\", labs: [,])",
            "Scenario(base: \"us-china-2025\") trailing",
        ] {
            let errors = parse("x.ron", text, &[]).expect_err(text).0;
            assert_eq!(errors.len(), 1, "{text}: {errors:?}");
            assert_eq!(errors[0].file, "x.ron", "{text}");
        }
        let deep = format!(
            "Scenario(base: \"us-china-2025\", global: {})",
            "[".repeat(10_000)
        );
        assert!(parse("x.ron", &deep, &[]).is_err());
    }
}
