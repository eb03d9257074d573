"""`frontdesk woocommerce check` through the real `frontdesk` command line."""

import json

from click.testing import CliRunner

from frontdesk.cli import cli
from frontdesk_woocommerce.testing import FakeWooCommerce


def config_file(tmp_path, table):
    lines = ["[commerce]", 'backend = "woocommerce"', "[plugins.woocommerce]"]
    lines += [f"{k} = {json.dumps(v)}" for k, v in table.items()]  # JSON scalars are valid TOML here
    path = tmp_path / "frontdesk.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_read_write_keys_exit_0(tmp_path, http_fake):
    result = CliRunner().invoke(cli, ["woocommerce", "check", "-c", config_file(tmp_path, http_fake.plugin_settings())])
    assert result.exit_code == 0, result.output
    assert "OAuth 1.0a" in result.output and "Shipment Tracking extension found" in result.output


def test_read_only_keys_exit_1_and_say_how_to_fix(tmp_path):
    with FakeWooCommerce.seeded(permissions="read", shipment_tracking=False, tls=True) as fake:
        result = CliRunner().invoke(cli, ["woocommerce", "check", "-c", config_file(tmp_path, fake.plugin_settings())])
    assert result.exit_code == 1
    assert "write permission is missing" in result.output and "Read/Write" in result.output
    assert "HTTP Basic over https" in result.output and "order notes" in result.output


def test_wrong_secret_exits_1(tmp_path, http_fake):
    path = config_file(tmp_path, http_fake.plugin_settings(consumer_secret="cs_wrong"))
    result = CliRunner().invoke(cli, ["woocommerce", "check", "-c", path])
    assert result.exit_code == 1 and "signature does not match" in result.output
