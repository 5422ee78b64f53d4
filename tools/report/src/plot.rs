//! Figures as SVG, drawn with plotters' SVG backend: [`game_svg`] (`gigawatt play --plot`) and the
//! building blocks the tournament report ([`crate::html`]) shares with it.
//!
//! plotters is built without its font features: the SVG backend writes text as `<text>` elements
//! and leaves the glyphs to whatever displays the file, so nothing here reads a font or links a
//! font library. A figure is composed of panels, each drawn by plotters into its own SVG fragment
//! and placed in a `<g class="panel" id="...">` group with a `<title>`, so the structure can be read
//! back (tests count the series of each panel).

use std::fmt::Write as _;

use gigawatt_arena::Result;
use gigawatt_engine::{Outcome, TraceRow};
use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use gigawatt_arena::format::{count, fixed, month_label};

/// Font family of every label: the viewer's default sans-serif face.
pub(crate) const FONT: &str = "sans-serif";

/// Series colours (Tableau 10), by nation or strategy index, cycling.
pub const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xac),
];

/// Colour of the superintelligence markers and other annotations.
pub(crate) const INK: RGBColor = RGBColor(0x33, 0x33, 0x33);
const GRID: RGBColor = RGBColor(0xe4, 0xe4, 0xe4);
/// The superintelligence threshold's dashed line.
pub(crate) const THRESHOLD: RGBColor = RGBColor(0xb2, 0x18, 0x2b);

/// The palette colour of series `i`.
pub fn color(i: usize) -> RGBColor {
    PALETTE[i % PALETTE.len()]
}

/// `#rrggbb`, as plotters writes it (upper case).
pub fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Text made safe for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn plot_error(e: impl std::fmt::Display) -> gigawatt_arena::Error {
    invalid!("cannot draw the figure: {e}")
}

/// The drawing area plotters hands to a panel.
pub(crate) type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;

/// A cartesian chart on `f64` axes whose ticks are given explicitly.
pub(crate) type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticked, Ticked>>;

/// A linear `f64` axis with the given ticks (plotters' own key-point decorator cannot take a label
/// formatter on `f64`).
#[derive(Clone, Debug)]
pub(crate) struct Ticked {
    lo: f64,
    hi: f64,
    ticks: Vec<f64>,
}

impl Ticked {
    pub(crate) fn new(lo: f64, hi: f64, ticks: Vec<f64>) -> Ticked {
        let (lo, hi) = widen((lo, hi));
        Ticked { lo, hi, ticks }
    }
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value - self.lo) / (self.hi - self.lo);
        limit.0 + (share * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

/// Draw one panel of `size` pixels with plotters and return its SVG markup without the enclosing
/// `<svg>` element, ready for [`Figure::panel`].
pub(crate) fn render_panel(
    size: (u32, u32),
    draw: impl FnOnce(&Area<'_>) -> Result<()>,
) -> Result<String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(plot_error)?;
        draw(&root)?;
        root.present().map_err(plot_error)?;
    }
    let body_start = svg
        .find("<svg")
        .and_then(|i| svg[i..].find('>').map(|j| i + j + 1))
        .ok_or_else(|| invalid!("plotters wrote no <svg> element"))?;
    let body_end = svg
        .rfind("</svg>")
        .ok_or_else(|| invalid!("plotters left the <svg> element open"))?;
    Ok(svg[body_start..body_end].trim_matches('\n').to_string())
}

/// A figure made of panels and hand-placed text, written as one SVG document or element.
pub(crate) struct Figure {
    width: u32,
    height: u32,
    label: String,
    body: String,
}

impl Figure {
    /// An empty figure; `label` becomes its `<title>` (and `aria-label`).
    pub(crate) fn new(width: u32, height: u32, label: &str) -> Figure {
        Figure {
            width,
            height,
            label: label.to_string(),
            body: String::new(),
        }
    }

    /// A line of text at (`x`, `y`) (baseline), anchored `start`, `middle` or `end`.
    pub(crate) fn text(&mut self, x: f64, y: f64, size: u32, anchor: &str, bold: bool, text: &str) {
        let weight = if bold { " font-weight=\"bold\"" } else { "" };
        let _ = writeln!(
            self.body,
            "<text x=\"{x}\" y=\"{y}\" font-family=\"{FONT}\" font-size=\"{size}\" \
             text-anchor=\"{anchor}\" fill=\"{}\"{weight}>{}</text>",
            hex(INK),
            escape(text)
        );
    }

    /// A filled square legend swatch with its top left corner at (`x`, `y`).
    pub(crate) fn swatch(&mut self, x: f64, y: f64, size: f64, fill: RGBColor, opacity: f64) {
        let _ = writeln!(
            self.body,
            "<rect x=\"{x}\" y=\"{y}\" width=\"{size}\" height=\"{size}\" fill=\"{}\" \
             opacity=\"{opacity}\"/>",
            hex(fill)
        );
    }

    /// Markup placed as it is (a legend mark drawn by hand).
    pub(crate) fn raw(&mut self, markup: &str) {
        self.body.push_str(markup);
        self.body.push('\n');
    }

    /// A panel drawn by [`render_panel`], placed with its top left corner at (`x`, `y`).
    pub(crate) fn panel(&mut self, id: &str, title: &str, x: u32, y: u32, markup: &str) {
        let _ = writeln!(
            self.body,
            "<g class=\"panel\" id=\"{}\" transform=\"translate({x},{y})\">\n<title>{}</title>\n{markup}\n</g>",
            escape(id),
            escape(title)
        );
    }

    /// The figure as a standalone SVG file (with the SVG namespace and an XML declaration).
    pub(crate) fn document(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}",
            self.element(Some("http://www.w3.org/2000/svg"))
        )
    }

    /// The figure as an `<svg>` element to inline in HTML, which needs no namespace declaration
    /// (so the page holds no URL at all).
    pub(crate) fn inline(&self) -> String {
        self.element(None)
    }

    fn element(&self, namespace: Option<&str>) -> String {
        let xmlns = namespace
            .map(|n| format!(" xmlns=\"{n}\""))
            .unwrap_or_default();
        format!(
            "<svg{xmlns} width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" \
             aria-label=\"{label}\">\n<title>{label}</title>\n\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#FFFFFF\"/>\n{body}</svg>\n",
            w = self.width,
            h = self.height,
            label = escape(&self.label),
            body = self.body
        )
    }
}

/// The axes of a chart: ranges, explicit ticks and how to label them.
pub(crate) struct Axes<'f> {
    pub x: (f64, f64),
    pub x_ticks: Vec<f64>,
    pub x_label: &'f dyn Fn(&f64) -> String,
    pub y: (f64, f64),
    pub y_ticks: Vec<f64>,
    pub y_label: &'f dyn Fn(&f64) -> String,
    pub y_desc: &'f str,
    /// Width of the y labels' area in pixels; 0 for the default.
    pub y_area: u32,
    /// Width of the area for a secondary y axis on the right; 0 for none.
    pub y2_area: u32,
}

/// Height of the x labels' area when the x axis also has a title, pixels.
pub(crate) const X_TITLED_AREA: u32 = 48;

/// A captioned chart with its grid, tick labels and a title on both axes (every chart titles its
/// axes with their units).
pub(crate) fn titled_chart<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    axes: &Axes<'_>,
    x_desc: &str,
) -> Result<Chart<'a, 'b>> {
    let mut chart = frame_with(area, caption, axes, X_TITLED_AREA)?;
    draw_mesh(&mut chart, axes, Some(x_desc))?;
    Ok(chart)
}

/// A captioned chart on `area` without its grid and labels yet, `x_label_area` pixels high for the
/// x labels: add a secondary axis (if any) first, then draw them with [`draw_mesh`] (plotters
/// labels every label area present at that time).
pub(crate) fn frame_with<'a, 'b>(
    area: &'a Area<'b>,
    caption: &str,
    axes: &Axes<'_>,
    x_label_area: u32,
) -> Result<Chart<'a, 'b>> {
    ChartBuilder::on(area)
        .caption(caption, (FONT, 19).into_font().color(&INK))
        .margin(8)
        .margin_right(16)
        .x_label_area_size(x_label_area)
        .y_label_area_size(match (axes.y_area, axes.y_desc.is_empty()) {
            (0, true) => 52,
            (0, false) => 66,
            (width, _) => width,
        })
        .right_y_label_area_size(axes.y2_area)
        .build_cartesian_2d(
            Ticked::new(axes.x.0, axes.x.1, axes.x_ticks.clone()),
            Ticked::new(axes.y.0, axes.y.1, axes.y_ticks.clone()),
        )
        .map_err(plot_error)
}

/// The grid, axes, tick labels and titles of a chart made by [`frame_with`].
pub(crate) fn draw_mesh(
    chart: &mut Chart<'_, '_>,
    axes: &Axes<'_>,
    x_desc: Option<&str>,
) -> Result<()> {
    let mut style = chart.configure_mesh();
    style
        .bold_line_style(GRID)
        .light_line_style(WHITE.mix(0.0))
        .axis_style(INK.mix(0.6))
        .label_style((FONT, 14).into_font().color(&INK))
        .axis_desc_style((FONT, 14).into_font().color(&INK))
        .x_label_formatter(axes.x_label)
        .y_label_formatter(axes.y_label)
        .y_desc(axes.y_desc);
    if let Some(x_desc) = x_desc {
        style.x_desc(x_desc);
    }
    style.draw().map_err(plot_error)
}

/// A range with some width (plotters cannot map an empty one).
fn widen((lo, hi): (f64, f64)) -> (f64, f64) {
    if hi > lo {
        (lo, hi)
    } else {
        (lo - 0.5, lo + 0.5)
    }
}

/// About `target` round tick values (1, 2 or 5 times a power of ten apart) covering [lo, hi], and
/// the range they span.
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, (f64, f64)) {
    let (lo, hi) = widen((lo, hi));
    let raw = (hi - lo) / target.max(1) as f64;
    let power = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= raw * 0.999)
        .unwrap_or(10.0 * power);
    let first = (lo / step).floor();
    let last = (hi / step).ceil();
    let ticks: Vec<f64> = (0..=((last - first) as i64))
        .map(|k| (first + k as f64) * step)
        .map(|t| if t.abs() < step * 1e-9 { 0.0 } else { t })
        .collect();
    let span = (first * step, last * step);
    (ticks, span)
}

/// The calendar years (as `f64`) inside `[x0, x1]`; thinned so there are at most about ten.
pub(crate) fn year_ticks(x0: f64, x1: f64) -> Vec<f64> {
    let first = x0.ceil() as i64;
    let last = x1.floor() as i64;
    let every = ((last - first) / 10 + 1).max(1);
    (first..=last)
        .filter(|y| (y - first) % every == 0)
        .map(|y| y as f64)
        .collect()
}

/// The time of game month `month` on a calendar-year axis: the month's start.
pub(crate) fn month_x(start_year: i32, month: f64) -> f64 {
    f64::from(start_year) + month / 12.0
}

/// A year tick label.
pub(crate) fn year_label(x: &f64) -> String {
    format!("{}", x.round() as i64)
}

/// A vertical marker across the chart at `x`, labelled at its top left.
pub(crate) fn marker(chart: &mut Chart<'_, '_>, x: f64, y: (f64, f64), label: &str) -> Result<()> {
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(x, y.0), (x, y.1)],
            INK.stroke_width(1),
        )))
        .map_err(plot_error)?;
    let style = (FONT, 14)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Right, VPos::Top));
    chart
        .draw_series(std::iter::once(
            EmptyElement::at((x, y.1)) + Text::new(label.to_string(), (-4, 4), style),
        ))
        .map_err(plot_error)?;
    Ok(())
}

// ------------------------------------------------------------------------------------------------
// One game
// ------------------------------------------------------------------------------------------------

const GAME_WIDTH: u32 = 1200;
const PANEL_WIDTH: u32 = 600;
const PANEL_HEIGHT: u32 = 300;
const HEADER: u32 = 84;

/// What a panel of the game figure shows: per nation, a main series and optionally a faint one.
struct GamePanel {
    id: &'static str,
    title: &'static str,
    y_desc: &'static str,
    main: fn(&TraceRow) -> f64,
    faint: Option<fn(&TraceRow) -> f64>,
    scale: Scale,
}

#[derive(Clone, Copy, PartialEq)]
enum Scale {
    /// Linear from zero, ticks labelled with one decimal at most.
    Gigawatts,
    /// Linear from zero, ticks as counts (`12.4M`).
    Count,
    /// Base-10 logarithm of positive values, ticks as powers of ten.
    Log,
    /// Linear over the data's range.
    Free,
}

const GAME_PANELS: [GamePanel; 6] = [
    GamePanel {
        id: "capacity",
        title: "Generation capacity online",
        y_desc: "GW",
        main: |r| r.generation_capacity_gw,
        faint: None,
        scale: Scale::Gigawatts,
    },
    // The queue has its own panel: on the capacity panel's scale (a thousand GW online) the
    // nations' queues of tens of GW lay on top of each other along the axis.
    GamePanel {
        id: "queue",
        title: "Interconnection queue",
        y_desc: "GW",
        main: |r| r.interconnection_queue_gw,
        faint: None,
        scale: Scale::Gigawatts,
    },
    GamePanel {
        id: "datacenters",
        title: "Datacenters: IT load powered (solid) and built (faint)",
        y_desc: "GW",
        main: |r| r.datacenter_it_gw * r.datacenter_powered_fraction,
        faint: Some(|r| r.datacenter_it_gw),
        scale: Scale::Gigawatts,
    },
    GamePanel {
        id: "chips",
        title: "Chips (H100-equivalents)",
        y_desc: "H100e",
        main: |r| r.h100e,
        faint: None,
        scale: Scale::Count,
    },
    GamePanel {
        id: "training",
        title: "Largest training run (FLOP, log scale)",
        y_desc: "FLOP",
        main: |r| r.largest_run_flop,
        faint: None,
        scale: Scale::Log,
    },
    GamePanel {
        id: "capability",
        title: "Capability of the best lab",
        y_desc: "capability (log10 FLOP)",
        main: |r| r.capability,
        faint: None,
        scale: Scale::Free,
    },
];

/// The ids of the panels of [`game_svg`], in drawing order.
pub const GAME_PANEL_IDS: [&str; 6] = [
    "capacity",
    "queue",
    "datacenters",
    "chips",
    "training",
    "capability",
];

/// One SVG figure of a game from its monthly trace ([`gigawatt_engine::Match::record_trace`]):
/// panels over time (x axis in calendar years from `start_year`) with one line per nation each,
/// generation capacity online, the interconnection queue, datacenter IT load powered and built,
/// H100e, the largest training run (log scale) and capability (with the superintelligence
/// threshold `asi_threshold` as a dashed line, when given), a labelled vertical marker in every
/// panel at each month someone crossed the superintelligence line (its label above the data), and
/// the outcome. Nation colours follow `outcome.nations` ([`PALETTE`]). Errors if the trace is empty.
pub fn game_svg(
    trace: &[TraceRow],
    outcome: &Outcome,
    start_year: i32,
    asi_threshold: Option<f64>,
) -> Result<String> {
    if trace.is_empty() {
        bail!("the game has no trace to plot (record it with `Match::record_trace`)");
    }
    let nations: Vec<&str> = outcome.nations.iter().map(|n| n.id.as_str()).collect();
    let rows: Vec<Vec<&TraceRow>> = nations
        .iter()
        .map(|id| trace.iter().filter(|r| r.nation == *id).collect())
        .collect();
    let last_month = trace.iter().map(|r| r.month).max().unwrap_or(0);
    let x = (
        month_x(start_year, 0.0),
        month_x(start_year, f64::from(last_month + 1)),
    );
    let x_ticks = year_ticks(x.0, x.1);
    // Superintelligence crossings, grouped by month.
    let mut crossings: Vec<(u32, Vec<&str>)> = Vec::new();
    for n in &outcome.nations {
        if let Some(m) = n.asi_month {
            match crossings.iter_mut().find(|(month, _)| *month == m) {
                Some((_, who)) => who.push(&n.id),
                None => crossings.push((m, vec![&n.id])),
            }
        }
    }
    crossings.sort();

    let rows_total = (GAME_PANELS.len() + 1).div_ceil(2) as u32;
    let height = HEADER + rows_total * PANEL_HEIGHT;
    let title = format!(
        "{} — seed {}: {}",
        outcome.scenario,
        outcome.seed,
        outcome
            .nations
            .iter()
            .map(|n| format!("{} ({})", n.id, n.strategy))
            .collect::<Vec<_>>()
            .join(" vs ")
    );
    let mut figure = Figure::new(GAME_WIDTH, height, &title);
    figure.text(16.0, 28.0, 20, "start", true, &title);
    // Legend: a swatch per nation, then what solid and faint mean.
    let mut lx = 16.0;
    for (i, n) in outcome.nations.iter().enumerate() {
        figure.swatch(lx, 44.0, 12.0, color(i), 1.0);
        let label = format!("{} ({})", n.id, n.strategy);
        figure.text(lx + 17.0, 55.0, 13, "start", false, &label);
        lx += 30.0 + 7.5 * label.chars().count() as f64;
    }
    figure.text(
        16.0,
        76.0,
        12,
        "start",
        false,
        "Datacenters: solid powered, faint built. Vertical lines: a nation's best lab crosses the \
         superintelligence line (ASI). Dashed red: the superintelligence threshold.",
    );

    for (p, spec) in GAME_PANELS.iter().enumerate() {
        let markup = render_panel((PANEL_WIDTH, PANEL_HEIGHT), |area| {
            let threshold = asi_threshold.filter(|_| spec.id == "capability");
            draw_game_panel(
                area,
                spec,
                &rows,
                (x, &x_ticks),
                &crossings,
                start_year,
                threshold,
            )
        })?;
        let (col, row) = ((p % 2) as u32, (p / 2) as u32);
        figure.panel(
            spec.id,
            spec.title,
            col * PANEL_WIDTH,
            HEADER + row * PANEL_HEIGHT,
            &markup,
        );
    }
    // The last slot: the outcome.
    let slot = GAME_PANELS.len() as u32;
    outcome_box(
        &mut figure,
        outcome,
        start_year,
        f64::from((slot % 2) * PANEL_WIDTH),
        f64::from(HEADER + (slot / 2) * PANEL_HEIGHT),
    );
    Ok(figure.document())
}

fn draw_game_panel(
    area: &Area<'_>,
    spec: &GamePanel,
    rows: &[Vec<&TraceRow>],
    (x, x_ticks): ((f64, f64), &[f64]),
    crossings: &[(u32, Vec<&str>)],
    start_year: i32,
    threshold: Option<f64>,
) -> Result<()> {
    let log = spec.scale == Scale::Log;
    let value = |f: fn(&TraceRow) -> f64, r: &TraceRow| -> Option<f64> {
        let v = f(r);
        match (v.is_finite(), log) {
            (false, _) => None,
            (true, true) if v > 0.0 => Some(v.log10()),
            (true, true) => None,
            (true, false) => Some(v),
        }
    };
    let series = |f: fn(&TraceRow) -> f64, nation: &[&TraceRow]| -> Vec<(f64, f64)> {
        nation
            .iter()
            .filter_map(|r| value(f, r).map(|v| (month_x(start_year, f64::from(r.month)), v)))
            .collect()
    };
    // (nation index, faint, points)
    type Line = (usize, bool, Vec<(f64, f64)>);
    let mut lines: Vec<Line> = Vec::new();
    for (i, nation) in rows.iter().enumerate() {
        if let Some(faint) = spec.faint {
            lines.push((i, true, series(faint, nation)));
        }
        lines.push((i, false, series(spec.main, nation)));
    }
    let values = lines.iter().flat_map(|(_, _, l)| l.iter().map(|p| p.1));
    let (lo, hi) = extent(values.chain(threshold));
    let (lo, hi) = if lo.is_finite() { (lo, hi) } else { (0.0, 1.0) };
    // Room above the data for the superintelligence labels, which hang from the top of the plot:
    // without it a label sits on the line of the nation that is ahead.
    let hi = if crossings.is_empty() {
        hi
    } else {
        match spec.scale {
            Scale::Log => hi + ((hi - lo) * 0.25).max(1.0),
            Scale::Free => hi + (hi - lo).max(0.5) * 0.25,
            Scale::Gigawatts | Scale::Count => hi.max(0.0) * 1.3,
        }
    };
    let (y_ticks, y) = match spec.scale {
        Scale::Log => {
            let (a, b) = (lo.floor(), hi.ceil().max(lo.floor() + 1.0));
            let every = ((b - a) / 6.0).ceil().max(1.0);
            let ticks = (0..=((b - a) / every) as i64)
                .map(|k| a + k as f64 * every)
                .collect();
            (ticks, (a, b))
        }
        Scale::Free => {
            let pad = ((hi - lo) * 0.05).max(0.05);
            nice_ticks(lo - pad, hi + pad, 5)
        }
        Scale::Gigawatts | Scale::Count => nice_ticks(0.0, hi.max(0.0) * 1.05, 5),
    };
    let y_label = |v: &f64| match spec.scale {
        Scale::Log => format!("1e{}", v.round() as i64),
        Scale::Count if v.abs() < 1000.0 => trim_number(*v),
        Scale::Count => count(*v),
        Scale::Gigawatts => trim_number(*v),
        Scale::Free => fixed(*v, 1),
    };
    let axes = Axes {
        x,
        x_ticks: x_ticks.to_vec(),
        x_label: &year_label,
        y,
        y_ticks,
        y_label: &y_label,
        y_desc: spec.y_desc,
        y_area: 0,
        y2_area: 0,
    };
    let caption = spec.title.split(':').next().unwrap_or(spec.title);
    let mut chart = titled_chart(area, caption, &axes, "year")?;
    for (i, faint, points) in lines {
        let style = if faint {
            color(i).mix(0.4).stroke_width(2)
        } else {
            color(i).stroke_width(2)
        };
        chart
            .draw_series(LineSeries::new(points, style))
            .map_err(plot_error)?;
    }
    if let Some(v) = threshold {
        chart
            .draw_series(DashedLineSeries::new(
                [(x.0, v), (x.1, v)],
                6,
                4,
                THRESHOLD.stroke_width(1),
            ))
            .map_err(plot_error)?;
        let style = (FONT, 12)
            .into_font()
            .color(&THRESHOLD)
            .pos(Pos::new(HPos::Left, VPos::Bottom));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((x.0, v))
                    + Text::new(
                        format!("superintelligence ({})", trim_number(v)),
                        (4, -3),
                        style,
                    ),
            ))
            .map_err(plot_error)?;
    }
    for (month, who) in crossings {
        let label = format!(
            "ASI: {} {}",
            who.join(", "),
            month_label(start_year, *month)
        );
        marker(
            &mut chart,
            month_x(start_year, f64::from(*month)),
            y,
            &label,
        )?;
    }
    Ok(())
}

/// A tick value without trailing zeros: `1200`, `2.5`.
pub(crate) fn trim_number(v: f64) -> String {
    let text = fixed(v, 1);
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// Winner, how the game was decided and a line per nation, as text in the figure's last slot.
fn outcome_box(figure: &mut Figure, outcome: &Outcome, start_year: i32, x: f64, y: f64) {
    let left = x + 24.0;
    figure.text(left, y + 34.0, 17, "start", true, "Outcome");
    let winner = outcome.winner.as_deref().unwrap_or("none (tie)");
    let last = outcome.months_played.saturating_sub(1);
    figure.text(
        left,
        y + 62.0,
        14,
        "start",
        false,
        &format!(
            "Winner: {winner}, decided by {} ({} months, {} to {})",
            outcome.decided_by,
            outcome.months_played,
            month_label(start_year, 0),
            month_label(start_year, last)
        ),
    );
    let columns = [0.0, 70.0, 250.0, 350.0, 450.0];
    for (c, head) in ["nation", "strategy", "ASI", "capability", "score"]
        .iter()
        .enumerate()
    {
        figure.text(left + columns[c], y + 96.0, 13, "start", true, head);
    }
    for (i, n) in outcome.nations.iter().enumerate() {
        let row_y = y + 120.0 + 22.0 * i as f64;
        figure.swatch(left - 16.0, row_y - 10.0, 10.0, color(i), 1.0);
        let cells = [
            n.id.clone(),
            n.strategy.clone(),
            n.asi_month
                .map(|m| month_label(start_year, m))
                .unwrap_or_else(|| "—".to_string()),
            fixed(n.capability, 2),
            fixed(n.score, 3),
        ];
        for (c, cell) in cells.iter().enumerate() {
            figure.text(left + columns[c], row_y, 13, "start", false, cell);
        }
    }
    if !outcome.faults.is_empty() {
        let row_y = y + 130.0 + 22.0 * outcome.nations.len() as f64;
        figure.text(
            left,
            row_y,
            13,
            "start",
            false,
            &format!(
                "{} strategy fault(s): the faulted seats were played by status-quo",
                outcome.faults.len()
            ),
        );
    }
}

/// The smallest and largest of `values`: `(+∞, −∞)` when there are none, which callers test with
/// `is_finite` before drawing.
pub(crate) fn extent(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    values
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gigawatt_arena::inputs::load_scenario;
    use gigawatt_arena::play::{finish, new_match};

    /// A recorded game of `months` months, status-quo against builder.
    fn game(months: u32) -> gigawatt_arena::play::Game {
        let scenario = load_scenario(gigawatt_data::DEFAULT_SCENARIO).expect("embedded");
        let strategies = vec![
            gigawatt_agents::build("status-quo").expect("built-in"),
            gigawatt_agents::build("builder").expect("built-in"),
        ];
        let mut m = new_match(scenario, strategies, 4, months).expect("starts");
        m.record_trace();
        finish(m)
    }

    fn stroke_count(panel: roxmltree::Node<'_, '_>, color: &str) -> usize {
        panel
            .descendants()
            .filter(|n| n.has_tag_name("polyline"))
            .filter(|n| {
                n.attribute("stroke")
                    .is_some_and(|s| s.eq_ignore_ascii_case(color))
            })
            .count()
    }

    #[test]
    fn a_game_figure_is_xml_with_a_line_per_nation_per_series_in_every_panel() {
        let game = game(200);
        let outcome = &game.outcome;
        let asi = outcome
            .nations
            .iter()
            .find_map(|n| n.asi_month.map(|m| (n.id.clone(), m)))
            .expect("someone reaches superintelligence within 200 months");
        let svg =
            game_svg(&game.trace, outcome, game.scenario.start_year, Some(36.0)).expect("draws");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        let root = doc.root_element();
        assert!(root.has_tag_name(("http://www.w3.org/2000/svg", "svg")));
        let panels: Vec<_> = root
            .children()
            .filter(|n| n.attribute("class") == Some("panel"))
            .collect();
        let ids: Vec<&str> = panels.iter().filter_map(|p| p.attribute("id")).collect();
        assert_eq!(ids, GAME_PANEL_IDS);
        for (panel, spec) in panels.iter().zip(&GAME_PANELS) {
            let per_nation = if spec.faint.is_some() { 2 } else { 1 };
            for i in 0..outcome.nations.len() {
                assert_eq!(
                    stroke_count(*panel, &hex(color(i))),
                    per_nation,
                    "panel {} nation {i}",
                    spec.id
                );
            }
            let texts: Vec<&str> = panel.descendants().filter_map(|n| n.text()).collect();
            assert_eq!(
                texts.iter().any(|t| t.contains("superintelligence (36)")),
                spec.id == "capability",
                "the threshold is labelled in the capability panel only: {}",
                spec.id
            );
            let caption = spec.title.split(':').next().unwrap();
            assert!(texts.iter().any(|t| t.contains(caption)), "{}", spec.id);
            let label = format!(
                "ASI: {} {}",
                asi.0,
                month_label(game.scenario.start_year, asi.1)
            );
            assert!(
                texts.iter().any(|t| t.contains(&label)),
                "{}: no `{label}` in {texts:?}",
                spec.id
            );
            assert!(
                texts.iter().any(|t| t.trim() == "2026"),
                "{}: year ticks",
                spec.id
            );
            // A long training run's polyline holds every month.
            let line = panel
                .descendants()
                .find(|n| {
                    n.has_tag_name("polyline")
                        && n.attribute("stroke")
                            .is_some_and(|s| s.eq_ignore_ascii_case(&hex(color(0))))
                })
                .expect("a line");
            assert!(line.attribute("points").unwrap().split(' ').count() > 24);
        }
        assert!(svg.contains("Outcome") && svg.contains("Winner: "));
    }

    #[test]
    fn a_short_game_without_superintelligence_still_draws() {
        let game = game(3);
        let svg = game_svg(&game.trace, &game.outcome, 2025, None).expect("draws");
        let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
        assert!(!svg.contains("ASI: "));
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("panel"))
                .count(),
            6
        );
    }

    #[test]
    fn an_empty_trace_is_an_error() {
        let game = game(2);
        let err = game_svg(&[], &game.outcome, 2025, None).expect_err("nothing to plot");
        assert!(err.to_string().contains("no trace"), "{err}");
    }

    #[test]
    fn nice_ticks_cover_the_range_with_round_steps() {
        let (ticks, span) = nice_ticks(0.0, 1234.0, 5);
        assert_eq!(ticks, [0.0, 250.0, 500.0, 750.0, 1000.0, 1250.0]);
        assert_eq!(span, (0.0, 1250.0));
        let (ticks, _) = nice_ticks(28.7, 36.2, 5);
        assert_eq!(ticks.first(), Some(&28.0));
        assert!(ticks.last().unwrap() >= &36.2);
        assert_eq!(
            year_ticks(2025.0, 2031.4),
            [2025.0, 2026.0, 2027.0, 2028.0, 2029.0, 2030.0, 2031.0]
        );
        assert!((5..=11).contains(&year_ticks(2025.0, 2060.0).len()));
    }

    #[test]
    fn escape_covers_markup() {
        assert_eq!(
            escape("a<b & \"c\" 'd'"),
            "a&lt;b &amp; &quot;c&quot; &#39;d&#39;"
        );
    }
}
