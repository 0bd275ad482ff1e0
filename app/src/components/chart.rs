//! Charts drawn as inline SVG: bars for counts by name, a donut for shares of
//! a whole, a line for counts per month. No script library: the server draws
//! them, they scale with the width of a tablet, and every chart carries its
//! numbers as a table too, for screen readers and for those who want figures.
//!
//! The geometry lives in small pure functions below the components, so it can
//! be tested without rendering.

use leptos::either::Either;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One bar / slice / point: a label, its count, and where tapping it leads
/// (the list of files behind it), if anywhere.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Datum {
    pub label: String,
    pub value: u64,
    pub href: Option<String>,
}

/// Colours of the series, as classes `.series-0` … `.series-7` in the
/// stylesheet; slices past the eighth start over.
const SERIES: usize = 8;

/// Horizontal bars, one per datum, longest for the largest count. Labels sit
/// above their bar, so long region names need no shortening.
#[component]
pub fn BarChart(
    #[prop(into)] title: String,
    data: Vec<Datum>,
    /// Written after each count, e.g. "户".
    #[prop(optional)]
    unit: &'static str,
) -> impl IntoView {
    figure("bar-chart", title, data, move |title, data| {
        bars(title, data, unit)
    })
}

/// A donut of the shares of a whole, with a legend giving each share in
/// percent and as a count.
#[component]
pub fn DonutChart(#[prop(into)] title: String, data: Vec<Datum>) -> impl IntoView {
    figure("donut-chart", title, data, donut)
}

/// Counts over time, one point per month (labels like "2026-03"), joined by
/// a line over gridlines at zero and at the largest count.
#[component]
pub fn LineChart(#[prop(into)] title: String, data: Vec<Datum>) -> impl IntoView {
    figure("line-chart", title, data, line)
}

/// The frame every chart shares: its title, the drawing (or a note that
/// there is nothing to draw), and the numbers as a table.
fn figure<V: IntoView + 'static>(
    class: &'static str,
    title: String,
    data: Vec<Datum>,
    draw: impl FnOnce(String, &[Datum]) -> V,
) -> impl IntoView {
    let body = if data.is_empty() {
        Either::Left(view! { <p class="empty">"暂无数据"</p> })
    } else {
        let drawing = draw(title.clone(), &data);
        Either::Right(view! {
            {drawing}
            <DataTable title=title.clone() data />
        })
    };
    view! {
        <figure class=format!("chart {class}")>
            <figcaption>{title}</figcaption>
            {body}
        </figure>
    }
}

/// The numbers behind a chart, folded away under "数据表".
#[component]
fn DataTable(title: String, data: Vec<Datum>) -> impl IntoView {
    let total = total(&data);
    let rows = data
        .into_iter()
        .map(|datum| {
            let share = percent(datum.value, total);
            let label = match datum.href {
                Some(href) => Either::Left(view! { <a href=href>{datum.label}</a> }),
                None => Either::Right(datum.label),
            };
            view! {
                <tr>
                    <th scope="row">{label}</th>
                    <td class="num">{datum.value}</td>
                    <td class="num">{share}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="chart-data">
            <summary>"数据表"</summary>
            <div class="table-wrap">
                <table class="data-table">
                    <caption>{title}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"项目"</th>
                            <th scope="col" class="num">
                                "数量"
                            </th>
                            <th scope="col" class="num">
                                "占比"
                            </th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                    <tfoot>
                        <tr class="total">
                            <th scope="row">"合计"</th>
                            <td class="num">{total}</td>
                            <td class="num">{percent(total, total)}</td>
                        </tr>
                    </tfoot>
                </table>
            </div>
        </details>
    }
}

/// One mark of a chart — a bar, a slice, a point — with its tooltip, and a
/// link around it when it leads somewhere.
///
/// The `<a>` and `<title>` must be written inside an SVG element of the same
/// `view!`: only there does Leptos create them as SVG elements rather than
/// HTML ones, which a browser would not draw or show.
fn mark(
    kind: &'static str,
    label: String,
    href: Option<String>,
    tip: String,
    body: impl IntoView + 'static,
) -> impl IntoView {
    match href {
        Some(href) => Either::Left(view! {
            <g class=kind data-testid=kind data-label=label>
                <a href=href>
                    <title>{tip}</title>
                    {body}
                </a>
            </g>
        }),
        None => Either::Right(view! {
            <g class=kind data-testid=kind data-label=label>
                <title>{tip}</title>
                {body}
            </g>
        }),
    }
}

// Bar chart layout, in viewBox units: each row is a label line above a bar.
const BAR_WIDTH: f64 = 560.0;
const BAR_ROW: f64 = 56.0;
const BAR_TOP: f64 = 26.0;
const BAR_HEIGHT: f64 = 22.0;
/// Room kept right of the longest bar for its count.
const BAR_VALUE_ROOM: f64 = 96.0;

fn bars(title: String, data: &[Datum], unit: &'static str) -> impl IntoView + use<> {
    let max = data.iter().map(|datum| datum.value).max().unwrap_or(0);
    let height = BAR_ROW * data.len() as f64;
    let rows = data
        .iter()
        .enumerate()
        .map(|(index, datum)| {
            let top = BAR_ROW * index as f64;
            let length = scaled(datum.value, max, BAR_WIDTH - BAR_VALUE_ROOM);
            let amount = amount(datum.value, unit);
            let tip = format!("{}：{amount}", datum.label);
            let body = view! {
                <rect
                    class="hit"
                    x="0"
                    y=coordinate(top)
                    width=coordinate(BAR_WIDTH)
                    height=coordinate(BAR_ROW - 4.0)
                />
                <text class="bar-label" x="0" y=coordinate(top + 18.0)>
                    {datum.label.clone()}
                </text>
                <rect
                    class="bar-fill"
                    x="0"
                    y=coordinate(top + BAR_TOP)
                    width=coordinate(length)
                    height=coordinate(BAR_HEIGHT)
                    rx="3"
                />
                <text
                    class="bar-value"
                    x=coordinate(length + 8.0)
                    y=coordinate(top + BAR_TOP + 16.0)
                >
                    {amount}
                </text>
            };
            mark("bar", datum.label.clone(), datum.href.clone(), tip, body)
        })
        .collect_view();
    view! {
        <svg
            class="chart-svg"
            viewBox=format!("0 0 {BAR_WIDTH} {}", coordinate(height))
            role="img"
            aria-label=title
        >
            <g>{rows}</g>
        </svg>
    }
}

// Donut layout, in viewBox units.
const DONUT_SIZE: f64 = 200.0;
const DONUT_CENTRE: f64 = 100.0;
const DONUT_OUTER: f64 = 90.0;
const DONUT_INNER: f64 = 55.0;

fn donut(title: String, data: &[Datum]) -> impl IntoView + use<> {
    let total = total(data);
    let bounds = slice_bounds(data.iter().map(|datum| datum.value));
    let slices = data
        .iter()
        .zip(bounds)
        .enumerate()
        .filter(|(_, (_, (start, end)))| end > start)
        .map(|(index, (datum, (start, end)))| {
            let share = percent(datum.value, total);
            let tip = format!("{}：{}（{share}）", datum.label, datum.value);
            let class = format!("slice-fill series-{}", index % SERIES);
            let body = view! { <path class=class d=arc_path(start, end) /> };
            mark("slice", datum.label.clone(), datum.href.clone(), tip, body)
        })
        .collect_view();
    let legend = data
        .iter()
        .enumerate()
        .map(|(index, datum)| {
            let label = match datum.href.clone() {
                Some(href) => Either::Left(view! { <a href=href>{datum.label.clone()}</a> }),
                None => Either::Right(view! { <span>{datum.label.clone()}</span> }),
            };
            let figures = format!("{} · {}", percent(datum.value, total), datum.value);
            view! {
                <li>
                    <span class=format!("swatch series-{}", index % SERIES) aria-hidden="true" />
                    {label}
                    <span class="legend-figures">{figures}</span>
                </li>
            }
        })
        .collect_view();
    // The track shows as an empty ring when every count is zero.
    let track_radius = coordinate((DONUT_OUTER + DONUT_INNER) / 2.0);
    let track_width = coordinate(DONUT_OUTER - DONUT_INNER);
    view! {
        <div class="donut-layout">
            <svg
                class="chart-svg"
                viewBox=format!("0 0 {DONUT_SIZE} {DONUT_SIZE}")
                role="img"
                aria-label=title
            >
                <g>
                    <circle
                        class="donut-track"
                        cx=coordinate(DONUT_CENTRE)
                        cy=coordinate(DONUT_CENTRE)
                        r=track_radius
                        stroke-width=track_width
                    />
                    {slices}
                </g>
            </svg>
            <ul class="chart-legend">{legend}</ul>
        </div>
    }
}

// Line chart layout, in viewBox units: the plot, and margins for the labels.
const LINE_WIDTH: f64 = 720.0;
const LINE_HEIGHT: f64 = 280.0;
const LINE_LEFT: f64 = 56.0;
const LINE_RIGHT: f64 = 32.0;
const LINE_TOP: f64 = 20.0;
const LINE_BOTTOM: f64 = 44.0;
/// More month labels than this would run into each other.
const LINE_MOST_LABELS: usize = 12;

fn line(title: String, data: &[Datum]) -> impl IntoView + use<> {
    let max = data.iter().map(|datum| datum.value).max().unwrap_or(0);
    let plot_width = LINE_WIDTH - LINE_LEFT - LINE_RIGHT;
    let plot_height = LINE_HEIGHT - LINE_TOP - LINE_BOTTOM;
    let baseline = LINE_HEIGHT - LINE_BOTTOM;
    let step = label_step(data.len(), LINE_MOST_LABELS);
    let places: Vec<(f64, f64)> = data
        .iter()
        .enumerate()
        .map(|(index, datum)| {
            let x = point_x(index, data.len(), LINE_LEFT, plot_width);
            (x, baseline - scaled(datum.value, max, plot_height))
        })
        .collect();
    let polyline = places
        .iter()
        .map(|&(x, y)| format!("{},{}", coordinate(x), coordinate(y)))
        .collect::<Vec<_>>()
        .join(" ");

    let grid = view! {
        <line
            class="grid"
            x1=coordinate(LINE_LEFT)
            x2=coordinate(LINE_LEFT + plot_width)
            y1=coordinate(baseline)
            y2=coordinate(baseline)
        />
        <text
            class="axis-label"
            x=coordinate(LINE_LEFT - 8.0)
            y=coordinate(baseline + 5.0)
            text-anchor="end"
        >
            "0"
        </text>
    };
    // Limitation: with every count zero there is no top gridline; the zero
    // line alone says it.
    let top_grid = (max > 0).then(|| {
        view! {
            <line
                class="grid"
                x1=coordinate(LINE_LEFT)
                x2=coordinate(LINE_LEFT + plot_width)
                y1=coordinate(LINE_TOP)
                y2=coordinate(LINE_TOP)
            />
            <text
                class="axis-label"
                x=coordinate(LINE_LEFT - 8.0)
                y=coordinate(LINE_TOP + 5.0)
                text-anchor="end"
            >
                {max}
            </text>
        }
    });
    let x_labels = data
        .iter()
        .zip(&places)
        .enumerate()
        .filter(|(index, _)| index % step == 0)
        .map(|(_, (datum, &(x, _)))| {
            view! {
                <text
                    class="axis-label"
                    x=coordinate(x)
                    y=coordinate(baseline + 26.0)
                    text-anchor="middle"
                >
                    {datum.label.clone()}
                </text>
            }
        })
        .collect_view();
    let points = data
        .iter()
        .zip(&places)
        .map(|(datum, &(x, y))| {
            let tip = format!("{}：{}", datum.label, datum.value);
            let body = view! {
                <circle class="hit" cx=coordinate(x) cy=coordinate(y) r="16" />
                <circle class="dot" cx=coordinate(x) cy=coordinate(y) r="5" />
            };
            mark("point", datum.label.clone(), datum.href.clone(), tip, body)
        })
        .collect_view();
    view! {
        <svg
            class="chart-svg"
            viewBox=format!("0 0 {LINE_WIDTH} {LINE_HEIGHT}")
            role="img"
            aria-label=title
        >
            <g>
                {grid} {top_grid} {x_labels} <polyline class="line-path" points=polyline /> {points}
            </g>
        </svg>
    }
}

/// The sum of the counts; saturating, so absurd counts cannot panic.
fn total(data: &[Datum]) -> u64 {
    data.iter()
        .fold(0, |sum, datum| sum.saturating_add(datum.value))
}

/// `value` as a fraction of `total`, from 0 to 1. A share of nothing is
/// none, not NaN.
fn share(value: u64, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    // Counts of files stay far below 2^53, so the conversion is exact.
    value as f64 / total as f64
}

/// `value` as a share of `total` in percent, with one decimal: "25.0%".
pub fn percent(value: u64, total: u64) -> String {
    format!("{:.1}%", share(value, total) * 100.0)
}

/// A count with its unit, if it has one: "12 户".
fn amount(value: u64, unit: &str) -> String {
    if unit.is_empty() {
        value.to_string()
    } else {
        format!("{value} {unit}")
    }
}

/// The length standing for `value` when `max` fills `length`.
fn scaled(value: u64, max: u64, length: f64) -> f64 {
    share(value, max) * length
}

/// A coordinate as written into SVG: one decimal is finer than a pixel.
fn coordinate(value: f64) -> String {
    format!("{value:.1}")
}

/// Where each slice starts and ends, as fractions of the circle.
fn slice_bounds(values: impl Iterator<Item = u64> + Clone) -> Vec<(f64, f64)> {
    let total = values.clone().fold(0u64, u64::saturating_add);
    let mut start = 0.0;
    values
        .map(|value| {
            let end = (start + share(value, total)).min(1.0);
            let bounds = (start, end);
            start = end;
            bounds
        })
        .collect()
}

/// The outline of the donut slice from `start` to `end`, fractions of the
/// circle measured clockwise from the top.
///
/// An arc whose ends meet draws nothing in SVG, so a slice of the whole circle
/// is drawn as a full ring instead: two half circles outside, two inside in
/// the opposite direction to cut the hole.
fn arc_path(start: f64, end: f64) -> String {
    let (c, outer, inner) = (DONUT_CENTRE, DONUT_OUTER, DONUT_INNER);
    let span = end - start;
    if span <= 0.0 {
        return String::new();
    }
    if span >= 1.0 - 1e-9 {
        let ring = |radius: f64, sweep: u8| {
            let (top, bottom) = (coordinate(c - radius), coordinate(c + radius));
            let (c, r) = (coordinate(c), coordinate(radius));
            format!(
                "M {c} {top} A {r} {r} 0 1 {sweep} {c} {bottom} A {r} {r} 0 1 {sweep} {c} {top} Z"
            )
        };
        return format!("{} {}", ring(outer, 1), ring(inner, 0));
    }
    let point = |fraction: f64, radius: f64| {
        let angle = fraction * std::f64::consts::TAU - std::f64::consts::FRAC_PI_2;
        let x = coordinate(c + radius * angle.cos());
        let y = coordinate(c + radius * angle.sin());
        format!("{x} {y}")
    };
    let large = u8::from(span > 0.5);
    let (r_out, r_in) = (coordinate(outer), coordinate(inner));
    format!(
        "M {} A {r_out} {r_out} 0 {large} 1 {} L {} A {r_in} {r_in} 0 {large} 0 {} Z",
        point(start, outer),
        point(end, outer),
        point(end, inner),
        point(start, inner),
    )
}

/// Label every `step`-th point so at most `most` labels show.
fn label_step(count: usize, most: usize) -> usize {
    count.div_ceil(most.max(1)).max(1)
}

/// Where point `index` of `count` sits across a plot `width` wide from
/// `left`; a single point sits in the middle.
fn point_x(index: usize, count: usize, left: f64, width: f64) -> f64 {
    if count <= 1 {
        return left + width / 2.0;
    }
    left + width * index as f64 / (count - 1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_slice_runs_from_the_top_to_the_right() {
        assert_eq!(
            arc_path(0.0, 0.25),
            "M 100.0 10.0 A 90.0 90.0 0 0 1 190.0 100.0 L 155.0 100.0 \
             A 55.0 55.0 0 0 0 100.0 45.0 Z"
        );
    }

    #[test]
    fn a_slice_over_half_the_circle_takes_the_large_arc() {
        let path = arc_path(0.0, 0.75);
        assert!(path.contains("A 90.0 90.0 0 1 1 10.0 100.0"), "{path}");
        assert!(path.contains("A 55.0 55.0 0 1 0 100.0 45.0"), "{path}");
    }

    #[test]
    fn a_slice_of_the_whole_circle_is_a_full_ring() {
        assert_eq!(
            arc_path(0.0, 1.0),
            "M 100.0 10.0 A 90.0 90.0 0 1 1 100.0 190.0 A 90.0 90.0 0 1 1 100.0 10.0 Z \
             M 100.0 45.0 A 55.0 55.0 0 1 0 100.0 155.0 A 55.0 55.0 0 1 0 100.0 45.0 Z"
        );
    }

    #[test]
    fn an_empty_slice_draws_nothing() {
        assert_eq!(arc_path(0.3, 0.3), "");
    }

    #[test]
    fn slices_of_a_zero_total_are_empty_and_not_nan() {
        let bounds = slice_bounds([0, 0, 0].into_iter());
        assert_eq!(bounds, vec![(0.0, 0.0); 3]);
        assert_eq!(percent(0, 0), "0.0%");
    }

    #[test]
    fn slices_follow_one_another_round_the_circle() {
        let bounds = slice_bounds([1, 1, 2].into_iter());
        assert_eq!(bounds, vec![(0.0, 0.25), (0.25, 0.5), (0.5, 1.0)]);
    }

    #[test]
    fn a_single_count_fills_the_whole_circle() {
        let bounds = slice_bounds([7].into_iter());
        assert_eq!(bounds, vec![(0.0, 1.0)]);
        assert!(arc_path(bounds[0].0, bounds[0].1).starts_with("M 100.0 10.0 A 90.0"));
    }

    #[test]
    fn percentages_have_one_decimal() {
        assert_eq!(percent(1, 3), "33.3%");
        assert_eq!(percent(2, 3), "66.7%");
        assert_eq!(percent(5, 5), "100.0%");
    }

    #[test]
    fn bars_are_scaled_to_the_largest_count() {
        assert!((scaled(5, 10, 400.0) - 200.0).abs() < 1e-9);
        assert!((scaled(10, 10, 400.0) - 400.0).abs() < 1e-9);
        assert!(scaled(0, 0, 400.0).abs() < 1e-9);
    }

    #[test]
    fn up_to_twelve_months_are_all_labelled() {
        assert_eq!(label_step(0, 12), 1);
        assert_eq!(label_step(1, 12), 1);
        assert_eq!(label_step(12, 12), 1);
    }

    #[test]
    fn more_months_are_labelled_every_few() {
        assert_eq!(label_step(13, 12), 2);
        assert_eq!(label_step(24, 12), 2);
        assert_eq!(label_step(25, 12), 3);
        assert_eq!(label_step(36, 12), 3);
    }

    #[test]
    fn points_spread_across_the_plot_and_a_single_one_is_centred() {
        assert!((point_x(0, 3, 50.0, 600.0) - 50.0).abs() < 1e-9);
        assert!((point_x(1, 3, 50.0, 600.0) - 350.0).abs() < 1e-9);
        assert!((point_x(2, 3, 50.0, 600.0) - 650.0).abs() < 1e-9);
        assert!((point_x(0, 1, 50.0, 600.0) - 350.0).abs() < 1e-9);
    }

    #[cfg(feature = "ssr")]
    fn datum(label: &str, value: u64, href: Option<&str>) -> Datum {
        Datum {
            label: label.to_string(),
            value,
            href: href.map(str::to_string),
        }
    }

    #[cfg(feature = "ssr")]
    fn html(chart: impl FnOnce() -> AnyView) -> String {
        Owner::new().with(|| chart().to_html())
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_bar_with_a_destination_is_a_link_and_one_without_is_not() {
        let data = vec![
            datum("城关镇", 4, Some("/customers?region=1")),
            datum("东乡", 2, None),
        ];
        let page = html(|| view! { <BarChart title="各乡镇" data unit="户" /> }.into_any());

        assert_eq!(page.matches(r#"data-testid="bar""#).count(), 2, "{page}");
        assert_eq!(
            page.matches(r#"<a href="/customers?region=1">"#).count(),
            2,
            "{page}"
        );
        assert!(page.contains("<title>城关镇：4 户<!></title>"), "{page}");
        assert!(page.contains(r#"role="img" aria-label="各乡镇""#), "{page}");
        assert!(page.contains("66.7%") && page.contains("合计"), "{page}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_donut_of_zeros_draws_an_empty_ring_without_nan() {
        let data = vec![datum("甲", 0, None), datum("乙", 0, None)];
        let page = html(|| view! { <DonutChart title="占比" data /> }.into_any());

        assert!(!page.contains("NaN"), "{page}");
        assert!(page.contains("donut-track"), "{page}");
        assert!(!page.contains("slice-fill"), "{page}");
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_chart_without_data_says_so_instead() {
        let page = html(|| view! { <LineChart title="每月新增" data=vec![] /> }.into_any());

        assert!(page.contains(r#"<p class="empty">暂无数据"#), "{page}");
        assert!(!page.contains("<svg"), "{page}");
        assert!(!page.contains("数据表"), "{page}");
    }

    #[test]
    fn a_count_is_shown_with_its_unit() {
        assert_eq!(amount(12, "户"), "12 户");
        assert_eq!(amount(12, ""), "12");
    }
}
