"""The console's HTTP surface: its files, the redirect of a bare GET /, and the signed change
counter it polls. (The page itself is tested in a real browser: tests/browser.)"""

import http.client
import json
import re
from urllib.parse import urlparse

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from conftest import A, ACCOUNTS


def get(server, path, headers=None):
    """GET without following redirects: (status, headers, body)."""
    u = urlparse(server.endpoint)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, body


def signed_get(server, path, account=A, secret=None):
    key, real_secret = ACCOUNTS[account]
    req = AWSRequest(method="GET", url=server.endpoint + path)
    SigV4Auth(Credentials(key, secret or real_secret), "ec2", "us-east-1").add_auth(req)
    return get(server, path, dict(req.headers.items()))


def test_console_page_and_its_files_are_served_from_the_binary(server):
    status, headers, body = get(server, "/console")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in headers["content-security-policy"]
    page = body.decode()
    scripts = re.findall(r'src="(/console/[^"]+)"', page)
    styles = re.findall(r'href="(/console/[^"]+\.css)"', page)
    assert scripts and styles
    for path in scripts + styles:
        status, headers, _ = get(server, path)
        assert status == 200, path
    assert get(server, "/console/js/main.js")[1]["content-type"].startswith("text/javascript")
    assert get(server, "/console/js/no-such-module.js")[0] == 404
    assert get(server, "/console/../Cargo.toml")[0] == 404


def test_a_bare_get_of_the_root_redirects_to_the_console(server):
    status, headers, _ = get(server, "/")
    assert (status, headers["location"]) == (302, "/console")
    status, headers, _ = get(server, "/?account=111111111111&region=us-east-1")
    assert (status, headers["location"]) == (302, "/console?account=111111111111&region=us-east-1")
    # With an Action it is the Query API, as before (here: unsigned, so refused the AWS way).
    status, headers, body = get(server, "/?Action=DescribeVpcs&Version=2016-11-15")
    assert status != 302
    assert b"<Code>MissingAuthenticationToken</Code>" in body


def test_the_change_counter_is_signed_and_moves_with_any_change(server, ec2):
    status, _, body = get(server, "/_openvpc/changes")
    assert status in (401, 403)
    assert b"MissingAuthenticationToken" in body
    status, _, body = signed_get(server, "/_openvpc/changes", secret="wrong")
    assert status in (401, 403)
    assert b"AuthFailure" in body

    status, headers, body = signed_get(server, "/_openvpc/changes")
    assert status == 200 and headers["content-type"] == "application/json"
    before = json.loads(body)["changes"]
    assert json.loads(signed_get(server, "/_openvpc/changes")[2])["changes"] == before
    ec2.create_vpc(CidrBlock="10.9.0.0/16")
    after = json.loads(signed_get(server, "/_openvpc/changes")[2])["changes"]
    assert after != before


def test_explanations_give_the_engines_words_for_the_callers_own_analysis(server, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    instance = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
                                 SubnetId=subnet)["Instances"][0]["InstanceId"]
    path = ec2.create_network_insights_path(
        Source=instance, DestinationIp="10.9.9.9", Protocol="tcp", DestinationPort=443
    )["NetworkInsightsPath"]["NetworkInsightsPathId"]
    nia = ec2.start_network_insights_analysis(NetworkInsightsPathId=path)[
        "NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    analysis = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[nia])[
        "NetworkInsightsAnalyses"][0]
    codes = [e["ExplanationCode"] for e in analysis["Explanations"]]
    assert codes == ["NO_ROUTE_TO_DESTINATION"]

    status, headers, body = signed_get(server, f"/_openvpc/explanations?analysis={nia}")
    assert status == 200 and headers["content-type"] == "application/json"
    doc = json.loads(body)
    assert doc["analysis"] == nia
    [words] = doc["explanations"]
    assert words["code"] == codes[0]
    assert words["component"] == analysis["Explanations"][0]["Component"]["Id"]
    assert words["direction"] == "forward"
    assert "10.9.9.9" in words["message"] and "add one" in words["message"]

    # Another account's analysis is not found, as through the API; no id is refused.
    status, _, body = signed_get(server, f"/_openvpc/explanations?analysis={nia}", account="222222222222")
    assert status == 400 and b"InvalidNetworkInsightsAnalysisId.NotFound" in body
    status, _, body = signed_get(server, "/_openvpc/explanations")
    assert status == 400 and b"MissingParameter" in body
