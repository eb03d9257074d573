"""`frontdesk shopify check` through the real `frontdesk` command line."""

import json

from click.testing import CliRunner

from frontdesk.cli import cli
from frontdesk_shopify.testing import FakeShopify


def config_file(tmp_path, table):
    lines = ["[commerce]", 'backend = "shopify"', "[plugins.shopify]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in table.items()]  # JSON scalars are valid TOML here
    path = tmp_path / "frontdesk.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_all_scopes_present_exits_0(tmp_path, fake):
    result = CliRunner().invoke(cli, ["shopify", "check", "-c", config_file(tmp_path, fake.plugin_settings())])
    assert result.exit_code == 0, result.output
    assert "credentials accepted" in result.output and "All good" in result.output


def test_missing_scopes_are_named_with_what_they_are_for(tmp_path):
    with FakeShopify.seeded(scopes=("read_products", "read_orders")) as fake:
        result = CliRunner().invoke(cli, ["shopify", "check", "-c", config_file(tmp_path, fake.plugin_settings())])
    assert result.exit_code == 1
    assert "write_draft_orders is missing: needed for checkout links" in result.output
    assert "Missing scopes: read_inventory, write_draft_orders, write_orders" in result.output


def test_permalink_checkout_and_no_order_changes_need_fewer_scopes(tmp_path):
    with FakeShopify.seeded(scopes=("read_products", "read_orders", "read_inventory")) as fake:
        path = config_file(tmp_path, fake.plugin_settings(checkout="permalink", order_changes=False))
        result = CliRunner().invoke(cli, ["shopify", "check", "-c", path])
    assert result.exit_code == 0, result.output


def test_bad_token_exits_1_and_says_so(tmp_path, fake):
    path = config_file(tmp_path, fake.plugin_settings(access_token="shpat_wrong"))
    result = CliRunner().invoke(cli, ["shopify", "check", "-c", path])
    assert result.exit_code == 1 and "rejected the access token" in result.output


def test_incomplete_config_exits_1_naming_the_problem(tmp_path):
    result = CliRunner().invoke(cli, ["shopify", "check", "-c", config_file(tmp_path, {"shop": "x.myshopify.com"})])
    assert result.exit_code == 1 and "access_token" in result.output
