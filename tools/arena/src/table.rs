//! Plain-text tables with aligned columns.

/// How a column's cells line up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A table: a header per column, then rows of cells. Widths count characters.
#[derive(Clone, Debug, Default)]
pub struct Table {
    columns: Vec<(String, Align)>,
    rows: Vec<Vec<String>>,
}

/// Space between columns.
const GAP: &str = "  ";

impl Table {
    pub fn new(columns: &[(&str, Align)]) -> Table {
        Table {
            columns: columns.iter().map(|(h, a)| (h.to_string(), *a)).collect(),
            rows: Vec::new(),
        }
    }

    /// Add a row. Missing cells are blank; extra cells are dropped.
    pub fn row(&mut self, mut cells: Vec<String>) {
        cells.resize(self.columns.len(), String::new());
        self.rows.push(cells);
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The header, a rule of dashes under each header, and the rows; every line starts with
    /// `indent` and ends without trailing spaces.
    pub fn render(&self, indent: &str) -> String {
        let widths: Vec<usize> = self
            .columns
            .iter()
            .enumerate()
            .map(|(i, (header, _))| {
                self.rows
                    .iter()
                    .map(|r| width(&r[i]))
                    .chain([width(header)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &mut dyn Iterator<Item = &str>| {
            let mut text = indent.to_string();
            for (i, cell) in cells.enumerate() {
                if i > 0 {
                    text.push_str(GAP);
                }
                let pad = " ".repeat(widths[i].saturating_sub(width(cell)));
                match self.columns[i].1 {
                    Align::Left => {
                        text.push_str(cell);
                        text.push_str(&pad);
                    }
                    Align::Right => {
                        text.push_str(&pad);
                        text.push_str(cell);
                    }
                }
            }
            let mut text = text.trim_end().to_string();
            text.push('\n');
            text
        };
        let mut out = line(&mut self.columns.iter().map(|(h, _)| h.as_str()));
        let rules: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        out.push_str(&line(&mut rules.iter().map(String::as_str)));
        for row in &self.rows {
            out.push_str(&line(&mut row.iter().map(String::as_str)));
        }
        out
    }
}

fn width(text: &str) -> usize {
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_columns_left_and_right() {
        let mut t = Table::new(&[("name", Align::Left), ("GW", Align::Right)]);
        t.row(vec!["usa".into(), "1263.5".into()]);
        t.row(vec!["chn".into(), "3846.5".into()]);
        t.row(vec!["a-long-name".into(), "7.0".into()]);
        assert_eq!(
            t.render("  "),
            "  name             GW\n  -----------  ------\n  usa          1263.5\n  chn          3846.5\n  a-long-name     7.0\n"
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        let mut t = Table::new(&[("asi", Align::Left), ("x", Align::Right)]);
        t.row(vec!["—".into(), "1".into()]);
        t.row(vec!["2031-02".into(), "2".into()]);
        let text = t.render("");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[2], "—        1");
        assert_eq!(lines[3], "2031-02  2");
    }

    #[test]
    fn short_rows_are_padded_and_trailing_spaces_trimmed() {
        let mut t = Table::new(&[("a", Align::Left), ("b", Align::Left)]);
        t.row(vec!["x".into()]);
        t.row(vec!["y".into(), "z".into(), "dropped".into()]);
        assert_eq!(t.render(""), "a  b\n-  -\nx\ny  z\n");
        assert!(!t.is_empty());
    }
}
