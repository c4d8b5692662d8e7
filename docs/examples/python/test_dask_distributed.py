import time

import pytest
from distributed import Client, LocalCluster

import dask_distributed as example

ROWS = 1_000_000


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster) as c:
            yield c


def test_a_million_rows_on_two_workers_agree_with_one_process(client):
    table = example.generate(ROWS)
    started = time.perf_counter()
    out = example.check_on_cluster(table, client)
    seconds = time.perf_counter() - started
    print(f"dask, 2 workers: {ROWS} rows in {seconds:.1f} s, {ROWS / seconds:,.0f} rows/s")
    assert len(out) == ROWS
    assert out.index.equals(table.index)
    # Some rows are a digit short or a typo: not all ok, most ok.
    assert 0.85 < out["ok"].mean() < 0.99
    assert out["codes"].str.contains("email.typo").sum() > 0.03 * ROWS
    sample = table.sample(2_000, random_state=1)
    assert out.loc[sample.index].equals(example.check_partition(sample))
