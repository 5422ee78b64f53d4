//! Maps field paths in RON text to the line and column where they are written.
//!
//! Validation works on the parsed [`crate::scenario::Scenario`], which has no positions; this module
//! scans the source text once and records, for every value, the path that leads to it, so that an
//! error about `nations[1].plants.coal.capex_usd_per_kw` can point at the number in the file.
//!
//! Path syntax (the same as [`crate::validate`] and `serde_path_to_error` produce):
//! - struct field or map key: `.name` (no leading dot at the root), map keys as written, without
//!   quotes;
//! - list or tuple element: `[i]`;
//! - `Some(x)` is transparent: `x` has the path of the option.
//!
//! Lines and columns are 1-based and count characters, like ron's own error positions.
//!
//! The scanner is hand-written and lenient: it understands `//` and nested `/* */` comments,
//! strings with escapes, raw strings `r#"..."#`, byte strings, chars, numbers, identifiers (also raw
//! `r#ident`), named and unnamed structs, tuples, lists, maps, `#![enable(..)]` attributes and
//! trailing commas. On malformed input it records what it can and stops; it never panics and always
//! terminates.

use std::collections::HashMap;

/// A 1-based line and column (in characters) in the source text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The start of the text, used when nothing better is known.
    pub const START: Position = Position { line: 1, column: 1 };
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Positions of every value (and every struct field or map key) in one RON text, by path.
#[derive(Clone, Debug, Default)]
pub struct Locations {
    values: HashMap<String, Position>,
    keys: HashMap<String, Position>,
    calls: Vec<Call>,
}

/// Names that, written as a call where a value belongs (`uniform(0.1, 0.3)`), make the value a
/// distribution (see `crate::uncertainty`).
pub const DISTRIBUTION_NAMES: [&str; 6] = [
    "uniform",
    "log_uniform",
    "normal",
    "log_normal",
    "triangular",
    "choice",
];

/// A distribution written where a value belongs, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    /// Path of the value it stands for.
    pub path: String,
    /// The distribution's name, e.g. `uniform`.
    pub name: String,
    /// The text between the parentheses.
    pub args: String,
    /// Where the call starts.
    pub start: Position,
    /// Character offsets of the whole call, `name(` to `)` inclusive: `[start_char, end_char)`.
    pub start_char: usize,
    pub end_char: usize,
}

impl Locations {
    /// Scans `source` once. Where a path occurs twice (a duplicated field), the first one wins.
    pub fn scan(source: &str) -> Locations {
        let chars: Vec<char> = source.chars().collect();
        let mut scanner = Scanner {
            src: &chars,
            cur: Cursor {
                i: 0,
                line: 1,
                column: 1,
            },
            out: Locations::default(),
        };
        scanner.document();
        scanner.out
    }

    /// Where the value at `path` starts (the root value for `""`).
    pub fn value(&self, path: &str) -> Option<Position> {
        self.values.get(path).copied()
    }

    /// Where the field name or map key that leads to `path` starts.
    pub fn key(&self, path: &str) -> Option<Position> {
        self.keys.get(path).copied()
    }

    /// Where the value at `path` starts; if the path is not in the text, where its nearest ancestor
    /// that is starts; if none is, 1:1.
    pub fn locate(&self, path: &str) -> Position {
        let mut p = path;
        loop {
            if let Some(pos) = self.value(p).or_else(|| self.key(p)) {
                return pos;
            }
            match parent_path(p) {
                Some(parent) => p = parent,
                None => return Position::START,
            }
        }
    }

    /// Number of values found.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Every path found, with the position of its value, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Position)> {
        self.values.iter().map(|(k, v)| (k.as_str(), *v))
    }

    /// The distributions written where values belong ([`DISTRIBUTION_NAMES`]), in file order.
    pub fn calls(&self) -> &[Call] {
        &self.calls
    }
}

/// Where the value at `path` starts in `source`, falling back to its nearest present ancestor, else
/// 1:1. Scans the whole text; use [`Locations::scan`] to look up many paths.
#[cfg(test)]
pub fn locate(source: &str, path: &str) -> Position {
    Locations::scan(source).locate(path)
}

/// The position of the first character at or after `from` that is not whitespace or inside a
/// comment (the end of the text if there is none). Positions past a line's end are clamped to it.
pub fn skip_trivia(source: &str, from: Position) -> Position {
    let chars: Vec<char> = source.chars().collect();
    let mut scanner = Scanner {
        src: &chars,
        cur: Cursor {
            i: 0,
            line: 1,
            column: 1,
        },
        out: Locations::default(),
    };
    while scanner.cur.line < from.line
        || (scanner.cur.line == from.line && scanner.cur.column < from.column)
    {
        match scanner.peek() {
            None => break,
            Some('\n') if scanner.cur.line == from.line => break,
            Some(_) => {
                scanner.bump();
            }
        }
    }
    scanner.trivia();
    scanner.pos()
}

/// The path one level up: `a.b[2].c` → `a.b[2]` → `a.b` → `a` → `""`; `None` for `""`.
pub fn parent_path(path: &str) -> Option<&str> {
    if path.is_empty() {
        return None;
    }
    Some(match path.rfind(['.', '[']) {
        Some(i) => &path[..i],
        None => "",
    })
}

/// `parent.name`, or `name` at the root.
pub fn field_path(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}.{name}")
    }
}

/// `parent[index]`.
pub fn index_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// Deeper nesting is skipped without recording paths, so that hostile input cannot overflow the
/// stack.
const MAX_DEPTH: usize = 128;

#[derive(Clone, Copy, Debug)]
struct Cursor {
    i: usize,
    line: usize,
    column: usize,
}

struct Scanner<'a> {
    src: &'a [char],
    cur: Cursor,
    out: Locations,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn is_raw_ident_char(c: char) -> bool {
    matches!(c, '.' | '+' | '-') || is_ident_char(c)
}

fn is_ws(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200E}' | '\u{200F}')
}

fn is_closer(c: char) -> bool {
    matches!(c, ')' | ']' | '}')
}

impl Scanner<'_> {
    fn peek(&self) -> Option<char> {
        self.src.get(self.cur.i).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.src.get(self.cur.i.saturating_add(n)).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.cur.i += 1;
        if c == '\n' {
            self.cur.line += 1;
            self.cur.column = 1;
        } else {
            self.cur.column += 1;
        }
        Some(c)
    }

    fn pos(&self) -> Position {
        Position {
            line: self.cur.line,
            column: self.cur.column,
        }
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.src
            .get(from..to.min(self.src.len()))
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    fn record(&mut self, path: &str, pos: Position) {
        self.out.values.entry(path.to_string()).or_insert(pos);
    }

    /// Whitespace and comments.
    fn trivia(&mut self) {
        loop {
            match (self.peek(), self.peek_at(1)) {
                (Some(c), _) if is_ws(c) => {
                    self.bump();
                }
                (Some('/'), Some('/')) => {
                    while let Some(c) = self.bump() {
                        if c == '\n' {
                            break;
                        }
                    }
                }
                (Some('/'), Some('*')) => {
                    self.bump();
                    self.bump();
                    let mut level = 1usize;
                    while level > 0 {
                        match (self.peek(), self.peek_at(1)) {
                            (None, _) => return,
                            (Some('/'), Some('*')) => {
                                self.bump();
                                self.bump();
                                level += 1;
                            }
                            (Some('*'), Some('/')) => {
                                self.bump();
                                self.bump();
                                level -= 1;
                            }
                            _ => {
                                self.bump();
                            }
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn document(&mut self) {
        self.trivia();
        // `#![enable(...)]` attributes.
        while self.peek() == Some('#') {
            self.bump();
            if self.peek() == Some('!') {
                self.bump();
            }
            self.trivia();
            if self.peek() == Some('[') {
                self.skip_value();
            }
            self.trivia();
        }
        self.value("", 0);
    }

    /// One value at `path`. Consumes nothing if the next character cannot start a value.
    fn value(&mut self, path: &str, depth: usize) {
        self.trivia();
        let Some(c) = self.peek() else { return };
        if is_closer(c) || matches!(c, ',' | ':') {
            return;
        }
        let start = self.pos();
        self.record(path, start);
        if depth >= MAX_DEPTH {
            self.skip_value();
            return;
        }
        match c {
            '[' => {
                self.bump();
                self.sequence(path, ']', depth);
            }
            '{' => {
                self.bump();
                self.map(path, depth);
            }
            '(' => {
                self.bump();
                self.struct_or_tuple(path, depth);
            }
            '"' => self.string(),
            '\'' => self.char_literal(),
            'b' if matches!(self.peek_at(1), Some('"' | '\'')) => {
                self.bump();
                if self.peek() == Some('"') {
                    self.string();
                } else {
                    self.char_literal();
                }
            }
            'b' if self.peek_at(1) == Some('r') && self.raw_string_ahead(2) => {
                self.bump();
                self.raw_string();
            }
            'r' if self.raw_string_ahead(1) => self.raw_string(),
            c if is_ident_start(c) || (c == 'r' && self.peek_at(1) == Some('#')) => {
                let start_char = self.cur.i;
                let name = self.identifier();
                self.trivia();
                if self.peek() == Some('(') && DISTRIBUTION_NAMES.contains(&name.as_str()) {
                    let open = self.cur.i;
                    self.skip_group();
                    let end_char = self.cur.i;
                    let closed = self.src.get(end_char.wrapping_sub(1)) == Some(&')');
                    let args = self.text(open + 1, if closed { end_char - 1 } else { end_char });
                    self.out.calls.push(Call {
                        path: path.to_string(),
                        name,
                        args,
                        start,
                        start_char,
                        end_char,
                    });
                } else if self.peek() == Some('(') {
                    self.bump();
                    if name == "Some" {
                        self.some(path, start, depth);
                    } else {
                        self.struct_or_tuple(path, depth);
                    }
                }
            }
            _ => self.token(),
        }
    }

    /// The items of a container up to `close`: `item` reads one, then its separator is taken. Stops
    /// at the end of the input, or at a closer that is not ours (malformed input: the enclosing
    /// container deals with it).
    fn items(&mut self, close: char, mut item: impl FnMut(&mut Self)) {
        loop {
            self.trivia();
            match self.peek() {
                None => return,
                Some(c) if c == close => {
                    self.bump();
                    return;
                }
                Some(c) if is_closer(c) => return,
                _ => {}
            }
            let before = self.cur.i;
            item(self);
            self.separator(before);
        }
    }

    /// After `[` (or another opener): elements `path[i]` up to `close`.
    fn sequence(&mut self, path: &str, close: char, depth: usize) {
        let mut index = 0;
        self.items(close, |s| {
            s.value(&index_path(path, index), depth + 1);
            index += 1;
        });
    }

    /// After `(`: named fields `name: value` become `path.name`, other items `path[i]`.
    fn struct_or_tuple(&mut self, path: &str, depth: usize) {
        let mut index = 0;
        self.items(')', |s| {
            if let Some((name, key_pos)) = s.field_key() {
                let field = field_path(path, &name);
                s.out.keys.entry(field.clone()).or_insert(key_pos);
                s.value(&field, depth + 1);
            } else {
                s.value(&index_path(path, index), depth + 1);
                index += 1;
            }
        });
    }

    /// After `Some(`: the inner value takes the option's path and position.
    fn some(&mut self, path: &str, start: Position, depth: usize) {
        if self.out.values.get(path) == Some(&start) {
            self.out.values.remove(path);
        }
        self.value(path, depth + 1);
        if !self.out.values.contains_key(path) {
            self.record(path, start);
        }
        // Anything else before `)` is malformed: skip it.
        self.items(')', |s| s.skip_value());
    }

    /// After `{`: `key: value` pairs, the value at `path.key`.
    fn map(&mut self, path: &str, depth: usize) {
        self.items('}', |s| {
            let key_pos = s.pos();
            let key = s.map_key();
            s.trivia();
            if s.peek() == Some(':') {
                s.bump();
                let entry = field_path(path, &key);
                s.out.keys.entry(entry.clone()).or_insert(key_pos);
                s.value(&entry, depth + 1);
            }
        });
    }

    /// A map key as written, strings without their quotes.
    fn map_key(&mut self) -> String {
        let from = self.cur.i;
        match self.peek() {
            Some('"') => {
                self.string();
                let to = self.cur.i;
                if to >= from + 2 && self.src.get(to - 1) == Some(&'"') {
                    self.text(from + 1, to - 1)
                } else {
                    self.text(from + 1, to)
                }
            }
            Some('r') if self.raw_string_ahead(1) => {
                self.raw_string();
                let to = self.cur.i;
                let mut hashes = 0;
                while self.src.get(from + 1 + hashes) == Some(&'#') {
                    hashes += 1;
                }
                let content = from + 1 + hashes + 1;
                let closed =
                    to >= content + 1 + hashes && self.src.get(to - 1 - hashes) == Some(&'"');
                self.text(content, if closed { to - 1 - hashes } else { to })
            }
            _ => {
                self.skip_value();
                self.text(from, self.cur.i).trim().to_string()
            }
        }
    }

    /// After an item: an optional comma; guarantees progress on garbage.
    fn separator(&mut self, before: usize) {
        self.trivia();
        if self.peek() == Some(',') {
            self.bump();
        } else if self.cur.i == before {
            // Nothing was consumed (a stray `:` or similar): step over it.
            self.bump();
        }
    }

    /// `name:` (not `name::`) ahead? Consumes it and returns the name and where it starts; otherwise
    /// consumes nothing.
    fn field_key(&mut self) -> Option<(String, Position)> {
        let c = self.peek()?;
        if !(is_ident_start(c) || (c == 'r' && self.peek_at(1) == Some('#'))) {
            return None;
        }
        if c == 'r' && self.raw_string_ahead(1) {
            return None;
        }
        let saved = self.cur;
        let pos = self.pos();
        let name = self.identifier();
        self.trivia();
        if self.peek() == Some(':') && self.peek_at(1) != Some(':') && !name.is_empty() {
            self.bump();
            Some((name, pos))
        } else {
            self.cur = saved;
            None
        }
    }

    /// An identifier; a raw identifier `r#name` yields `name`.
    fn identifier(&mut self) -> String {
        if self.peek() == Some('r') && self.peek_at(1) == Some('#') {
            self.bump();
            self.bump();
            let from = self.cur.i;
            while self.peek().is_some_and(is_raw_ident_char) {
                self.bump();
            }
            return self.text(from, self.cur.i);
        }
        let from = self.cur.i;
        while self.peek().is_some_and(is_ident_char) {
            self.bump();
        }
        self.text(from, self.cur.i)
    }

    /// `"..."` with backslash escapes.
    fn string(&mut self) {
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '"' => return,
                _ => {}
            }
        }
    }

    /// Is `"` or `#...#"` at offset `n` (the start of a raw string after its `r`)?
    fn raw_string_ahead(&self, n: usize) -> bool {
        let mut k = n;
        while self.peek_at(k) == Some('#') {
            k += 1;
        }
        self.peek_at(k) == Some('"')
    }

    /// `r"..."` or `r#"..."#` (any number of `#`).
    fn raw_string(&mut self) {
        self.bump(); // r
        let mut hashes = 0usize;
        while self.peek() == Some('#') {
            self.bump();
            hashes += 1;
        }
        if self.peek() != Some('"') {
            return;
        }
        self.bump();
        while let Some(c) = self.bump() {
            if c == '"' && (0..hashes).all(|k| self.peek_at(k) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                return;
            }
        }
    }

    /// `'c'`, `'\''`, `'\u{1F600}'`.
    fn char_literal(&mut self) {
        self.bump();
        while let Some(c) = self.bump() {
            match c {
                '\\' => {
                    self.bump();
                }
                '\'' | '\n' => return,
                _ => {}
            }
        }
    }

    /// A number, `inf`, or any other run of non-delimiter characters.
    fn token(&mut self) {
        let from = self.cur.i;
        while let Some(c) = self.peek() {
            let comment = c == '/' && matches!(self.peek_at(1), Some('/' | '*'));
            if is_ws(c)
                || comment
                || matches!(
                    c,
                    ',' | ':' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | '\''
                )
            {
                break;
            }
            self.bump();
        }
        if self.cur.i == from {
            self.bump();
        }
    }

    /// Skips one value without recording anything, iteratively (no recursion): a token, a string,
    /// an identifier with an optional `( ... )`, or a bracketed group.
    fn skip_value(&mut self) {
        self.trivia();
        match self.peek() {
            None => {}
            Some(c) if is_closer(c) || matches!(c, ',' | ':') => {}
            Some('(' | '[' | '{') => self.skip_group(),
            Some('"') => self.string(),
            Some('\'') => self.char_literal(),
            Some('r') if self.raw_string_ahead(1) => self.raw_string(),
            Some('b') if self.peek_at(1) == Some('r') && self.raw_string_ahead(2) => {
                self.bump();
                self.raw_string();
            }
            Some('b') if matches!(self.peek_at(1), Some('"' | '\'')) => {
                self.bump();
                if self.peek() == Some('"') {
                    self.string();
                } else {
                    self.char_literal();
                }
            }
            Some(c) if is_ident_start(c) || (c == 'r' && self.peek_at(1) == Some('#')) => {
                self.identifier();
                let saved = self.cur;
                self.trivia();
                if self.peek() == Some('(') {
                    self.skip_group();
                } else {
                    self.cur = saved;
                }
            }
            Some(_) => self.token(),
        }
    }

    /// At an opener: skips to just after its matching closer (or the end of the text).
    fn skip_group(&mut self) {
        let mut level = 0usize;
        loop {
            self.trivia();
            let Some(c) = self.peek() else { return };
            match c {
                '(' | '[' | '{' => {
                    self.bump();
                    level += 1;
                }
                ')' | ']' | '}' => {
                    self.bump();
                    level = level.saturating_sub(1);
                    if level == 0 {
                        return;
                    }
                }
                '"' => self.string(),
                '\'' => self.char_literal(),
                'r' if self.raw_string_ahead(1) => self.raw_string(),
                'b' if self.peek_at(1) == Some('r') && self.raw_string_ahead(2) => {
                    self.bump();
                    self.raw_string();
                }
                c if is_ident_start(c) => {
                    self.identifier();
                }
                _ => self.token(),
            }
            if level == 0 {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    #[test]
    fn paths_of_nested_structs_lists_and_maps() {
        let src = "\
(
    name: \"x\",
    global: (utilisation: 0.4, scaling_law: (e: 1.8)),
    nations: [
        (id: \"usa\", plants: (coal: (capex_usd_per_kw: 4000.0))),
        (
            id: \"chn\",
            plants: (
                coal: (capex_usd_per_kw: -5.0),
            ),
        ),
    ],
    table: {\"a\": 1, b: [1, 2,],},
    pair: (1, (2, 3)),
)";
        let loc = Locations::scan(src);
        assert_eq!(loc.value(""), Some(pos(1, 1)));
        assert_eq!(loc.value("name"), Some(pos(2, 11)));
        assert_eq!(loc.key("name"), Some(pos(2, 5)));
        assert_eq!(loc.value("global.utilisation"), Some(pos(3, 27)));
        assert_eq!(loc.value("global.scaling_law.e"), Some(pos(3, 49)));
        assert_eq!(loc.value("nations"), Some(pos(4, 14)));
        assert_eq!(loc.value("nations[0]"), Some(pos(5, 9)));
        assert_eq!(
            loc.value("nations[0].plants.coal.capex_usd_per_kw"),
            Some(pos(5, 55))
        );
        assert_eq!(loc.value("nations[1]"), Some(pos(6, 9)));
        assert_eq!(loc.value("nations[1].id"), Some(pos(7, 17)));
        assert_eq!(loc.value("nations[1].plants.coal"), Some(pos(9, 23)));
        assert_eq!(
            loc.value("nations[1].plants.coal.capex_usd_per_kw"),
            Some(pos(9, 42))
        );
        assert_eq!(
            loc.key("nations[1].plants.coal.capex_usd_per_kw"),
            Some(pos(9, 24))
        );
        assert_eq!(loc.value("table.a"), Some(pos(13, 18)));
        assert_eq!(loc.key("table.a"), Some(pos(13, 13)));
        assert_eq!(loc.value("table.b[1]"), Some(pos(13, 28)));
        assert_eq!(loc.value("pair[0]"), Some(pos(14, 12)));
        assert_eq!(loc.value("pair[1][1]"), Some(pos(14, 19)));
        assert_eq!(loc.value("nations[2]"), None);
    }

    #[test]
    fn comments_strings_and_raw_strings_do_not_confuse_the_scanner() {
        let src = r####"// leading comment with ( [ { and a: colon
#![enable(implicit_some)]
(
    /* block /* nested ) ] } */ still comment: x */
    a: "str with ( [ { } ] ) and b: colon, and \" escaped quote",
    b: r#"raw "with" quotes ) ] and c: 1"#,
    c: 'x', // char
    d: ')',
    e: '\'',
    f: [ "]", r##"a"# ]"##, 3 ],
    g: Some( ( h: 5 ) ),
    r#type: 7,
    i: b"bytes )",
    /* before */ j /* between */ : /* after */ 8,
)
"####;
        // The input is valid RON.
        assert!(ron::from_str::<ron::Value>(src).is_ok());
        let loc = Locations::scan(src);
        assert_eq!(loc.value(""), Some(pos(3, 1)));
        assert_eq!(loc.value("a"), Some(pos(5, 8)));
        assert_eq!(loc.value("b"), Some(pos(6, 8)));
        assert_eq!(loc.value("c"), Some(pos(7, 8)));
        assert_eq!(loc.value("d"), Some(pos(8, 8)));
        assert_eq!(loc.value("e"), Some(pos(9, 8)));
        assert_eq!(loc.value("f[0]"), Some(pos(10, 10)));
        assert_eq!(loc.value("f[1]"), Some(pos(10, 15)));
        assert_eq!(loc.value("f[2]"), Some(pos(10, 29)));
        // `Some(x)` is transparent: `g` is the inner struct.
        assert_eq!(loc.value("g"), Some(pos(11, 14)));
        assert_eq!(loc.value("g.h"), Some(pos(11, 19)));
        assert_eq!(loc.value("type"), Some(pos(12, 13)));
        assert_eq!(loc.value("i"), Some(pos(13, 8)));
        assert_eq!(loc.key("j"), Some(pos(14, 18)));
        assert_eq!(loc.value("j"), Some(pos(14, 48)));
        // Nothing inside comments or strings became a path.
        for bogus in ["colon", "still comment", "c: 1", "x"] {
            assert_eq!(loc.value(bogus), None, "{bogus}");
        }
        assert_eq!(loc.len(), 15);
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let src = "(name: \"Ünïcödé ✓\", x: 1)";
        let loc = Locations::scan(src);
        assert_eq!(loc.value("x"), Some(pos(1, 24)));
    }

    #[test]
    fn locate_falls_back_to_the_nearest_ancestor() {
        let src = "(\n  nations: [\n    (id: \"a\"),\n  ],\n)";
        let loc = Locations::scan(src);
        assert_eq!(loc.locate("nations[0].id"), pos(3, 10));
        assert_eq!(loc.locate("nations[0].plants.coal"), pos(3, 5));
        assert_eq!(loc.locate("nations[7].id"), pos(2, 12));
        assert_eq!(loc.locate("labs[0]"), pos(1, 1));
        assert_eq!(locate("", "anything"), pos(1, 1));
        assert_eq!(parent_path("a.b[2].c"), Some("a.b[2]"));
        assert_eq!(parent_path("a.b[2]"), Some("a.b"));
        assert_eq!(parent_path("a"), Some(""));
        assert_eq!(parent_path(""), None);
    }

    #[test]
    fn malformed_input_never_panics() {
        let nasty = [
            "",
            "(",
            ")",
            "(a: ",
            "(a: [1, 2",
            "(a: \"unterminated",
            "(a: r#\"unterminated",
            "(a: '",
            "/* unclosed",
            "(a: (b: ]]]] ) c: 3)",
            "::::,,,,)))(((",
            "(a: Some(",
            "(a: Some(1, 2, 3",
            "{\"k\": {\"",
            "{r#\"k",
            "#![enable(",
            "(r#: 1, r#",
            "b'",
            "br#\"",
            "\u{feff}(a: 1)",
        ];
        for src in nasty {
            let loc = Locations::scan(src);
            let _ = loc.locate("a.b[0]");
        }
        // Deep nesting does not overflow the stack.
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let loc = Locations::scan(&deep);
        assert_eq!(loc.value(""), Some(pos(1, 1)));
        assert_eq!(loc.value("[0]"), Some(pos(1, 2)));
        let deep_parens = "(a: ".repeat(50_000);
        let _ = Locations::scan(&deep_parens);
    }

    #[test]
    fn finds_every_value_of_the_embedded_scenario() {
        fn leaves(value: &serde_json::Value, path: String, out: &mut Vec<(String, char)>) {
            match value {
                serde_json::Value::Array(items) => {
                    out.push((path.clone(), '['));
                    for (i, item) in items.iter().enumerate() {
                        leaves(item, index_path(&path, i), out);
                    }
                }
                serde_json::Value::Object(fields) => {
                    out.push((path.clone(), '('));
                    for (k, v) in fields {
                        leaves(v, field_path(&path, k), out);
                    }
                }
                serde_json::Value::String(_) => out.push((path, '"')),
                _ => out.push((path, '?')),
            }
        }
        for e in gigawatt_data::SCENARIOS {
            // A scenario that inherits is scanned as resolved: every field of its chain.
            let resolved = crate::inherit::resolve(e.file, e.source, &gigawatt_data::embedded_base)
                .expect("resolves");
            let source = resolved.text();
            // Distributions (`triangular(…)`) stand where numbers belong: they are values too.
            let scenario = resolved.parse().expect("parses");
            let mut all = Vec::new();
            leaves(
                &serde_json::to_value(&scenario).unwrap(),
                String::new(),
                &mut all,
            );
            let loc = Locations::scan(source);
            let lines: Vec<Vec<char>> = source.lines().map(|l| l.chars().collect()).collect();
            // Fields with a serde default may be left out of the file: they have no position.
            let written = |path: &str| {
                path.split(['.', '['])
                    .filter(|f| !f.is_empty() && !f.ends_with(']'))
                    .all(|f| source.contains(&format!("{f}:")))
            };
            for (path, first) in all.iter().filter(|(p, _)| written(p)) {
                let at = loc
                    .value(path)
                    .unwrap_or_else(|| panic!("{}: {path} not found", e.name));
                let c = lines[at.line - 1][at.column - 1];
                match first {
                    '?' => assert!(
                        c.is_ascii_alphanumeric() || c == '-',
                        "{path}: {c:?} at {at}"
                    ),
                    // The root is a named struct, `Scenario(`.
                    '(' if path.is_empty() => assert_eq!(c, 'S'),
                    _ => assert_eq!(c, *first, "{path} at {at}"),
                }
            }
            assert!(all.len() > 300, "{}", all.len());
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_ron_like_text(
            src in "[()\\[\\]{}\"'r#b/*:,a-z0-9 \n\\\\.+-]{0,300}",
            line in 0usize..6,
            column in 0usize..40,
        ) {
            let loc = Locations::scan(&src);
            let _ = loc.locate("a[0].b");
            let end = skip_trivia(&src, Position { line, column });
            proptest::prop_assert!(end.line >= 1 && end.column >= 1);
        }
    }

    #[test]
    fn skip_trivia_moves_past_whitespace_and_comments() {
        let src = "(a: 1,   // note\n  /* x */ b: 2)";
        assert_eq!(skip_trivia(src, pos(1, 7)), pos(2, 11));
        assert_eq!(skip_trivia(src, pos(2, 11)), pos(2, 11));
        assert_eq!(skip_trivia(src, pos(1, 99)), pos(2, 11));
        assert_eq!(skip_trivia(src, pos(9, 1)), pos(2, 16));
        assert_eq!(skip_trivia("", pos(1, 1)), pos(1, 1));
    }

    #[test]
    fn garbage_after_a_value_is_skipped_and_scanning_continues() {
        let src = "(a: 1 2 3, b: 4)";
        let loc = Locations::scan(src);
        assert_eq!(loc.value("a"), Some(pos(1, 5)));
        assert_eq!(loc.value("b"), Some(pos(1, 15)));
    }
}
