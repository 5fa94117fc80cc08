from pathlib import Path

import pytest
from briefwatch.jobs.config import ConfigError, CrawlSettings, load_config

GOOD = """
[storage]
path = "data/bw.db"

[crawl]
download_delay = 0.5

[[sources]]
name = "mfa-en"
spider = "mfa"
start_urls = ["https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/"]
max_pages = 3
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "briefwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_and_relative_storage_path(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.storage_path == tmp_path / "data" / "bw.db"
    assert config.crawl.download_delay == 0.5
    assert config.crawl.concurrency_per_domain == CrawlSettings().concurrency_per_domain == 2
    assert config.crawl.revisit_days == 30
    assert "+https://" in config.crawl.user_agent
    source = config.source("mfa-en")
    assert source.spider == "mfa"
    assert source.options["max_pages"] == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("[crawl\n", "TOML syntax error", id="syntax"),
        pytest.param("[crawl]\ndelay = 1\n", "[crawl]: unknown key 'delay'", id="unknown-key"),
        pytest.param("[crawl]\ndownload_delay = 'slow'\n", "download_delay' must be a number",
                     id="wrong-type"),
        pytest.param("[crawl]\ndownload_delay = -1\n", "0 or more", id="negative"),
        pytest.param('[[sources]]\nname = "x"\nspider = "nope"\nstart_urls = ["http://a/"]\n',
                     "unknown spider 'nope'", id="unknown-spider"),
        pytest.param('[[sources]]\nname = "x"\nspider = "mfa"\n', "'start_urls' is missing",
                     id="missing-start-urls"),
        pytest.param('[[sources]]\nname = "x"\nspider = "mfa"\nstart_urls = ["ftp://a/"]\n',
                     "not an http(s) URL", id="bad-url"),
        pytest.param('[[sources]]\nname = "x"\nspider = "mfa"\nstart_urls = ["http://a/"]\n'
                     'colour = "red"\n', "unknown key 'colour' for spider 'mfa'",
                     id="unknown-source-key"),
        pytest.param('[[sources]]\nname = "Bad Name"\nspider = "mfa"\nstart_urls = ["http://a/"]\n',
                     "'name' must be", id="bad-name"),
        pytest.param('[[sources]]\nname = "a"\nspider = "mfa"\nstart_urls = ["http://a/"]\n'
                     '[[sources]]\nname = "a"\nspider = "mfa"\nstart_urls = ["http://b/"]\n',
                     "two sources are named 'a'", id="duplicate-name"),
        pytest.param('[notify]\nurls = ["nosuchscheme://x"]\n', "not a valid apprise URL",
                     id="bad-apprise-url"),
        pytest.param('[cluster]\nredis = "redis://x"\n', "[cluster]: unknown key 'redis'",
                     id="cluster-unknown-key"),
        pytest.param('[cluster]\nredis_url = "http://x:6379"\n', "must start with redis://",
                     id="cluster-bad-url"),
        pytest.param('[cluster]\nredis_url = "redis://x"\nworker_timeout = 0\n',
                     "worker_timeout must be at least 1 second", id="cluster-timeout"),
        pytest.param('[cluster]\nwait_for_workers = -5\n', "wait_for_workers must be more",
                     id="cluster-wait"),
        pytest.param('[[watch]]\nname = "Taiwan"\nterms = ["Taiwan"]\n',
                     "watch 'Taiwan': 'name' must be lower-case", id="watch-name"),
        pytest.param('[[watch]]\nname = "taiwan"\n', "watch 'taiwan': 'terms' is missing",
                     id="watch-no-terms"),
        pytest.param('[[watch]]\nname = "taiwan"\nterms = ["Taiwan", "…"]\n',
                     "watch 'taiwan': term '…' has no letter or digit", id="watch-empty-term"),
        pytest.param('[[watch]]\nname = "taiwan"\nterms = "Taiwan"\nchannel = "x"\n',
                     "watch 'taiwan': unknown key 'channel'", id="watch-unknown-key"),
        pytest.param('[[watch]]\nname = "taiwan"\nterms = ["Taiwan"]\nnotify = ["desk"]\n',
                     "watch 'taiwan': 'notify' names tag 'desk', which no [notify] url has",
                     id="watch-unknown-tag"),
        pytest.param('[[watch]]\nname = "a"\nterms = ["x"]\n[[watch]]\nname = "a"\n'
                     'terms = ["y"]\n', "two watches are named 'a'", id="watch-duplicate"),
        pytest.param('[watch]\nname = "a"\n', "'watch' must be an array of tables: [[watch]]",
                     id="watch-not-array"),
        pytest.param('[serve]\nbase_url = "briefings.example.org"\n',
                     "[serve] base_url 'briefings.example.org' must be the http(s) address",
                     id="serve-base-url"),
        pytest.param('[serve]\nport = 8080\n', "[serve]: unknown key 'port'",
                     id="serve-unknown-key"),
    ],
)
def test_bad_config_is_named(tmp_path, text, message):
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, text))
    assert message in str(raised.value)
    assert str(tmp_path / "briefwatch.toml") in str(raised.value)
    assert "\n" not in str(raised.value)


def test_syntax_error_names_the_line(tmp_path):
    with pytest.raises(ConfigError, match="line 3"):
        load_config(write(tmp_path, "[storage]\npath = 'x'\n[crawl\n"))


def test_valid_apprise_url_is_accepted(tmp_path):
    config = load_config(write(tmp_path, '[notify]\nurls = ["json://127.0.0.1:9/hook"]\n'))
    assert config.notify_urls == ("json://127.0.0.1:9/hook",)


def test_cluster_settings(tmp_path):
    assert load_config(write(tmp_path, GOOD)).cluster.redis_url is None
    config = load_config(write(tmp_path, GOOD + '[cluster]\nredis_url = "redis://q:6379/2"\n'
                                               "worker_timeout = 12\n"))
    assert config.cluster.redis_url == "redis://q:6379/2"
    assert (config.cluster.worker_timeout, config.cluster.wait_for_workers) == (12, 600)


def test_missing_file_says_how_to_create_one(tmp_path):
    with pytest.raises(ConfigError, match="briefwatch init"):
        load_config(tmp_path / "absent.toml")


def test_unknown_source_lists_the_configured_ones(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    with pytest.raises(ConfigError, match="configured: mfa-en"):
        config.source("mfa-fr")


def test_init_template_is_a_valid_config(tmp_path):
    from briefwatch.jobs.rooms import default_config_text

    text = default_config_text()
    config = load_config(write(tmp_path, text))
    urls = [u for s in config.sources for u in s.start_urls]
    assert "https://www.fmprc.gov.cn/eng/xw/fyrbt/lxjzh/" in urls
    assert "https://www.mfa.gov.cn/web/fyrbt_673021/jzhsl_673025/" in urls


def test_every_host_of_the_init_template_is_the_one_the_readme_gives(tmp_path):
    # issue 15: init's consulate was on china-consulate.gov.cn, the README's on .org
    import re

    from briefwatch.jobs.rooms import default_config_text

    from tests.helpers import REPO

    template = default_config_text()
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hosts = re.compile(r"https?://([\w.-]+)")
    start_urls = [line for line in template.splitlines() if "start_urls" in line]
    in_init = {h for line in start_urls for h in hosts.findall(line)}
    assert len(in_init) >= 5, in_init  # the ministry, a consulate, SCIO and the other rooms
    assert in_init <= set(hosts.findall(readme)), in_init - set(hosts.findall(readme))


LISTING = '[[sources]]\nname = "state"\nspider = "listing"\nstart_urls = ["http://a/b/"]\n'


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param("", "spider 'listing' needs 'article_pattern'", id="missing-required"),
        pytest.param('article_pattern = "/briefings/(["\n', "'article_pattern' '/briefings/(['"
                     " is not a valid regular expression", id="bad-regex"),
        pytest.param('article_pattern = "/b/"\nnext_pattern = "*page"\n',
                     "'next_pattern' '*page' is not a valid regular expression",
                     id="bad-next-regex"),
        pytest.param('article_pattern = "/b/"\nbody_selector = "div..entry"\n',
                     "'body_selector' 'div..entry' is not a valid CSS selector", id="bad-css"),
        pytest.param('article_pattern = "/b/"\ndate_format = "YYYY-MM-DD"\n',
                     "must be a strptime format", id="bad-date-format"),
        pytest.param('article_pattern = "/b/"\nmax_pages = 0\n', "must be 1 or more",
                     id="zero-pages"),
    ],
)
def test_listing_spider_keys_are_checked_when_the_config_is_read(tmp_path, extra, message):
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, LISTING + extra))
    assert "source 'state'" in str(raised.value)
    assert message in str(raised.value)


def test_a_valid_listing_source(tmp_path):
    config = load_config(write(tmp_path, LISTING + 'article_pattern = "/briefings/[^/]+/$"\n'
                               'next_pattern = "/page/\\\\d+/$"\n'
                               'body_selector = "div.entry-content"\n'))
    assert config.source("state").options["body_selector"] == "div.entry-content"


def test_watches_and_the_base_url(tmp_path):
    config = load_config(write(tmp_path, GOOD + '[notify]\nurls = ["desk=json://127.0.0.1:9/h"]\n'
                               '[serve]\nbase_url = "https://briefings.example.org/bw/"\n'
                               '[[watch]]\nname = "taiwan"\nterms = ["Taiwan", "台湾"]\n'
                               'notify = ["desk"]\n[[watch]]\nname = "kenya"\n'
                               'terms = "Kenya"\n'))
    assert config.base_url == "https://briefings.example.org/bw"
    assert [(w.name, w.terms, w.notify) for w in config.watches] == [
        ("taiwan", ("Taiwan", "台湾"), ("desk",)), ("kenya", ("Kenya",), ())]
    assert config.watch("kenya").terms == ("Kenya",)
    with pytest.raises(ConfigError, match="unknown watch 'tibet' \\(configured: taiwan, kenya\\)"):
        config.watch("tibet")


def test_a_notification_url_apprise_does_not_know_stops_only_what_notifies(tmp_path):
    """apprise's check costs half a second of imports (every plugin): the commands that only
    read skip it, those that send notifications refuse the config in one line."""
    from tests.helpers import read_cli, run_cli

    bad = '[notify]\nurls = ["nosuchscheme://x"]\n'
    path = write(tmp_path, GOOD + bad)
    assert load_config(path, channels=False).notify_urls == ("nosuchscheme://x",)
    with pytest.raises(ConfigError, match="not a valid apprise URL"):
        load_config(path)
    watch = write(tmp_path, GOOD + '[[watch]]\nname = "t"\nterms = ["Taiwan"]\n'
                                   'notify = ["nosuchscheme://y"]\n')
    with pytest.raises(ConfigError, match="watch 't': 'notify': nosuchscheme://y is not a valid"):
        load_config(watch)
    path = write(tmp_path, GOOD + bad)
    reading = read_cli("sources", config=path)
    assert reading.code == 0 and "apprise" not in reading.err, reading.err
    for command in ("notify", "crawl"):
        refused = run_cli(command, config=path)
        assert refused.code == 2 and "not a valid apprise URL" in refused.err, refused.err
        assert len(refused.err.strip().splitlines()) == 1
