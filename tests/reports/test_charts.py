import pandas as pd

from assessor.scoring.cooperation import cooperation_matrix
from reports.benchmarks import load_benchmarks
from reports.charts.base import LEVEL_COLORS, contrast_ratio, relative_luminance
from reports.charts.gaps import delivery_figure, demand_supply_figure, perception_figure, target_gap_figure, wait_figure
from reports.charts.maturity import distribution_figure, heatmap_figure, radar_figure, trend_figure
from reports.conf import DATA
from reports.frames import ANNOTATION_COLUMNS
from reports.frames.cooperation import delivery_modes, demand_supply, wait_times
from reports.frames.gaps import target_gaps
from reports.frames.heatmap import heatmap_frame
from reports.frames.team import team_profile
from reports.frames.trends import level_distribution, trend_frame
from tests.assessor.scoring.build import capability, frame
from tests.reports.build import ASPECTS, LEVEL_NAMES, NAMES, score, scores, teams, waves

TEAMS = teams((1, "Checkout", "application", 1), (2, "Platform", "platform", None))
VOL4 = load_benchmarks(DATA / "benchmarks" / "state-of-platform-engineering.yaml")[0]


def test_the_heat_map_holds_one_row_per_team_with_levels_marks_and_gaps():
    heat = heatmap_frame(scores(score(1, "investment", 2.6, status="over_claim"), score(2, "adoption", 3.9)), TEAMS, ASPECTS)

    trace, labels = heatmap_figure(heat, NAMES, LEVEL_NAMES).data

    assert list(trace.y) == ["Platform", "Checkout"]
    assert list(trace.x) == [NAMES[a] for a in ASPECTS]
    assert list(trace.z[0]) == [None, 4, None, None, None]
    assert trace.z[1][0] == 3
    cells = list(zip(labels.x, labels.y, labels.text, strict=True))
    assert cells == [("Adoption", "Platform", "4"), ("Investment", "Checkout", "3 ▲")]
    assert (trace.zmin, trace.zmax) == (0.5, 4.5)


def test_heat_map_levels_get_lighter_to_darker_colours_with_readable_text_in_each_cell():
    levels = zip(ASPECTS, (1, 2, 3, 4, 4), strict=True)
    heat = heatmap_frame(scores(*(score(1, aspect, level) for aspect, level in levels)), TEAMS, ASPECTS)

    labels = heatmap_figure(heat, NAMES, LEVEL_NAMES).data[1]

    luminance = [relative_luminance(LEVEL_COLORS[level]) for level in (1, 2, 3, 4)]
    assert luminance == sorted(luminance, reverse=True)
    assert all(contrast_ratio(LEVEL_COLORS[a], LEVEL_COLORS[a + 1]) >= 1.5 for a in (1, 2, 3))
    for text, color in zip(labels.text, labels.textfont.color, strict=True):
        assert contrast_ratio(color, LEVEL_COLORS[int(text[0])]) >= 4.5, (text, color)


def test_a_heat_map_with_team_links_names_the_page_of_each_row():
    heat = heatmap_frame(scores(score(1, "investment", 2.0)), TEAMS, ASPECTS)

    figure = heatmap_figure(heat, NAMES, LEVEL_NAMES, team_links={1: "/dashboard/teams/1/", 2: "/dashboard/teams/2/"})

    assert figure.layout.meta["team_links"] == {"Platform": "/dashboard/teams/2/", "Checkout": "/dashboard/teams/1/"}


def test_the_radar_closes_each_line_and_leaves_gaps_where_a_value_is_missing():
    profile = team_profile(
        scores(score(1, "investment", 2.2, target_level=3, evidence_floor=2), score(1, "adoption", 3.0)), ASPECTS
    )

    current, target, evidenced = radar_figure(profile, NAMES, LEVEL_NAMES).data

    assert current.name == "Current level"
    assert list(current.r) == [2, 3, None, None, None, 2]
    assert list(target.r)[:2] == [3, None]
    assert evidenced.r[0] == 2
    assert list(current.theta) == [*(NAMES[a] for a in ASPECTS), "Investment"]


def trend():
    rows = scores(score(1, "investment", 1.5, wave_id=1), score(1, "investment", 2.5, wave_id=2))
    return trend_frame(rows, waves((1, "Spring", 0), (2, "Autumn", 180)), TEAMS, ASPECTS)


def test_the_trend_has_a_panel_per_aspect_with_one_point_per_wave():
    figure = trend_figure(trend(), NAMES, LEVEL_NAMES)

    investment = figure.data[0]
    assert investment.name == "Investment"
    assert list(investment.y) == [1.5, 2.5]
    assert list(investment.x) == ["2026-01-01 00:00:00", "2026-06-30 00:00:00"]
    assert [row[0] for row in investment.customdata] == ["Spring", "Autumn"]
    assert len(figure.data) == len(ASPECTS)


def test_the_trend_draws_annotations_as_numbered_lines_with_their_labels():
    notes = pd.DataFrame(
        [
            {
                "date": pd.Timestamp("2026-03-01", tz="UTC"),
                "label": "Portal launched",
                "kind": "event",
                "team_id": None,
                "group_id": None,
            }
        ],
        columns=ANNOTATION_COLUMNS,
    )

    figure = trend_figure(trend(), NAMES, LEVEL_NAMES, annotations=notes)

    assert [shape.x0 for shape in figure.layout.shapes] == ["2026-03-01 00:00:00"]
    numbered = [a for a in figure.layout.annotations if a.hovertext]
    assert [(a.text, a.hovertext) for a in numbered] == [("1", "Portal launched")]


def test_the_benchmark_overlay_is_labelled_with_source_and_year_at_its_average_level():
    figure = trend_figure(trend(), NAMES, LEVEL_NAMES, benchmarks=[VOL4])

    overlay = [trace for trace in figure.data if "State of Platform Engineering" in (trace.name or "")]
    assert len(overlay) == len(ASPECTS)
    assert overlay[0].name == "State of Platform Engineering Report Vol. 4 (2025), average level"
    assert list(overlay[0].y) == [2.41, 2.41]
    assert [trace.showlegend for trace in overlay].count(True) == 1


def test_two_benchmark_lines_differ_in_colour_dash_and_marker_and_the_legend_sits_above_the_panels():
    second = load_benchmarks(DATA / "benchmarks" / "state-of-platform-engineering.yaml")[1]

    figure = trend_figure(trend(), NAMES, LEVEL_NAMES, benchmarks=[VOL4, second])

    first_line, second_line = [trace for trace in figure.data if trace.showlegend]
    assert first_line.line.color != second_line.line.color
    assert first_line.line.dash != second_line.line.dash
    assert first_line.marker.symbol != second_line.marker.symbol
    assert (figure.layout.legend.yref, figure.layout.legend.y, figure.layout.legend.yanchor) == ("container", 1, "top")


def test_the_distribution_stacks_our_shares_beside_the_published_ones():
    distribution = level_distribution(scores(score(1, "investment", 1.0), score(2, "investment", 2.0)), ASPECTS)

    figure = distribution_figure(distribution, NAMES, LEVEL_NAMES, label="Our teams", benchmarks=[VOL4])

    level_one = figure.data[0]
    assert level_one.name == "1 Provisional"
    assert list(level_one.y[1][:2]) == ["Our teams", VOL4.label]
    assert list(level_one.x[:2]) == [50.0, 13.1]
    assert [trace.name for trace in figure.data] == ["1 Provisional", "2 Operational", "3 Scalable", "4 Optimizing"]


def test_the_distribution_alone_labels_each_row_once_by_its_aspect():
    distribution = level_distribution(scores(score(1, "investment", 1.0), score(2, "investment", 2.0)), ASPECTS)

    figure = distribution_figure(distribution, NAMES, LEVEL_NAMES, label="Our teams")

    assert list(figure.data[0].y) == [NAMES[a] for a in ASPECTS]


def test_perception_bars_show_each_providers_gap_and_only_the_widest_ones():
    rows = [(1, 0.2), (2, -1.5), (3, 0.9)]
    perception = pd.DataFrame(
        {
            "provider_id": [p for p, _ in rows],
            "team": [f"P{p}" for p, _ in rows],
            "aspect": "adoption",
            "gap": [g for _, g in rows],
            "provider_score": 3.0,
            "consumer_score": [3.0 - g for _, g in rows],
            "consumer_teams": 2,
        }
    )

    figure = perception_figure(perception, NAMES, limit=2)

    assert [trace.name for trace in figure.data] == ["P2", "P3"]
    assert list(figure.data[0].y) == [-1.5]


def test_capability_charts_hold_demand_supply_delivery_and_waits():
    answers = frame(
        capability(1, "data", "need", "need_yes", team_id=1),
        capability(1, "data", "delivery", "ticket", team_id=1),
        capability(1, "data", "wait", "months", team_id=1),
        capability(2, "data", "provide", "provide_yes", team_id=2),
    )
    matrix = cooperation_matrix(answers, pd.DataFrame({"consumer_id": [1], "provider_id": [2]}))
    names = {"data": "Data services"}

    need, provide, unmet = demand_supply_figure(demand_supply(matrix, names)).data
    assert (list(need.x), list(provide.x), list(unmet.x)) == ([1], [1], [0])
    delivery = {trace.name: list(trace.x) for trace in delivery_figure(delivery_modes(matrix, names)).data}
    assert delivery["Ticket or manual request"] == [1]
    assert delivery["Self-service"] == [0]
    waits = {trace.name: list(trace.x) for trace in wait_figure(wait_times(matrix, names)).data}
    assert waits["Months or more"] == [1]


def test_target_gaps_are_counted_per_aspect_and_gap_size():
    gaps = target_gaps(
        scores(score(1, "investment", 1.0, target_level=3, gap=2), score(2, "investment", 2.0, target_level=3, gap=1)),
        TEAMS,
        ASPECTS,
    )

    one, two = target_gap_figure(gaps, NAMES).data

    assert (one.name, list(one.y)) == ("1 level below target", [1, 0, 0, 0, 0])
    assert (two.name, list(two.y)) == ("2 levels below target", [1, 0, 0, 0, 0])
    assert not {one.marker.color, two.marker.color} & set(LEVEL_COLORS.values())


def test_an_empty_chart_says_why_it_is_empty():
    figure = demand_supply_figure(demand_supply(pd.DataFrame(), {}))

    assert figure.data == ()
    assert "No team has said" in figure.layout.annotations[0].text
