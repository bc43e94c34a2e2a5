"""Perception gaps: each platform or infrastructure team's view of its platform against its consumers' view."""

from __future__ import annotations

import pandas as pd

from assessor.scoring.frames import round2

PERCEPTION_COLUMNS = [
    "wave_id",
    "provider_id",
    "aspect",
    "provider_score",
    "provider_respondents",
    "consumer_score",
    "consumer_respondents",
    "consumer_teams",
    "gap",
    "expected_consumer_score",
    "expectation_gap",
]


def perception_gaps(claims: pd.DataFrame, consumer_view_claims: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """Per wave, provider and aspect.

    `claims`: team_claims from the self perspective (app teams rate the platform they use this way).
    `consumer_view_claims`: team_claims from the "consumers" perspective (providers guessing their users' view).
    `links`: consumer_id, provider_id. Consumer scores are weighted by respondents.
    gap = provider_score - consumer_score (positive: the provider rates itself above what its users see);
    expectation_gap = expected_consumer_score - consumer_score.
    """
    if claims.empty or links.empty:
        return pd.DataFrame(columns=PERCEPTION_COLUMNS)
    provider_ids = set(links["provider_id"])
    providers = claims[claims["team_id"].isin(provider_ids)].rename(
        columns={"team_id": "provider_id", "score": "provider_score", "respondents": "provider_respondents"}
    )[["wave_id", "provider_id", "aspect", "provider_score", "provider_respondents"]]

    consumers = claims.merge(links, left_on="team_id", right_on="consumer_id")
    consumers = consumers.assign(weighted=consumers["score"] * consumers["respondents"])
    grouped = consumers.groupby(["wave_id", "provider_id", "aspect"]).agg(
        weighted=("weighted", "sum"), consumer_respondents=("respondents", "sum"), consumer_teams=("team_id", "nunique")
    )
    grouped["consumer_score"] = round2(grouped["weighted"] / grouped["consumer_respondents"])
    result = providers.merge(grouped.reset_index(), on=["wave_id", "provider_id", "aspect"], how="outer")

    expected = consumer_view_claims.rename(columns={"team_id": "provider_id", "score": "expected_consumer_score"})
    result = result.merge(
        expected[["wave_id", "provider_id", "aspect", "expected_consumer_score"]],
        on=["wave_id", "provider_id", "aspect"],
        how="left",
    )
    result["gap"] = round2(result["provider_score"] - result["consumer_score"])
    result["expectation_gap"] = round2(result["expected_consumer_score"] - result["consumer_score"])
    for column in ("provider_respondents", "consumer_respondents", "consumer_teams"):
        result[column] = result[column].fillna(0).astype(int)
    return result[PERCEPTION_COLUMNS].sort_values(["wave_id", "provider_id", "aspect"]).reset_index(drop=True)
