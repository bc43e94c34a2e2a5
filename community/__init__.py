"""The community: releases of many organizations combined for reviewers, and published back as a benchmark."""
