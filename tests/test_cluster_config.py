"""make cluster's HAProxy configuration is one HAProxy accepts (where HAProxy is installed:
`make cluster` installs it; CI has it from the cluster soak's first run on the machine)."""

import shutil
import subprocess

import pytest

from scripts.cluster import PORTS, Cluster


@pytest.mark.skipif(not shutil.which("haproxy"), reason="HAProxy not installed (make cluster)")
@pytest.mark.skipif(not shutil.which("openssl"), reason="OpenSSL not installed")
def test_the_generated_haproxy_configuration_is_valid(tmp_path):
    cluster = Cluster(base=tmp_path)
    (tmp_path / "haproxy").mkdir()
    (tmp_path / "run").mkdir()
    config = cluster.write_haproxy_config()
    text = config.read_text()
    assert f"bind 127.0.0.1:{PORTS['https']} ssl crt" in text
    assert "option forwardfor" in text and "set-header X-Forwarded-Proto https" in text
    assert "disable-l7-retry if METH_POST" in text
    assert text.count("check inter 1s") == 2
    result = subprocess.run(["haproxy", "-c", "-f", str(config)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Try again in a moment" in (tmp_path / "haproxy" / "503.http").read_text()
