#!/usr/bin/env python3
"""Conformance driver: the Connect emulator judged by clients nobody here wrote.

Reads the targets (emulators started by harness.ts) as JSON on stdin, runs every case in this
one process and prints one JSON document on stdout: {"results": [...], "operations": [...],
"skipped": [...]}.

The cases:
- generated from botocore's own Connect service model: for every operation the emulator
  serves, one call violating each constraint of its input (a required member left out, a
  length, a pattern, an enum, a range, a list or map size), on top of a valid base request.
  The model gives the constraint, the emulator's rule gives the answer: InvalidParameterException
  (400), and the message must name the offending member, so that a case cannot pass because
  the request was wrong in some other way;
- written by hand from the API reference: valid calls and what they change, unknown resources
  (ResourceNotFoundException, 404), the identity-management rules (InvalidRequestException),
  duplicates (409), the users-per-instance quota (LimitExceededException, 429);
- ThrottlingException (429) and InternalServiceException (500) for every operation, from an
  emulator whose buckets are empty and one whose every call fails;
- the AWS CLI reference's own published examples for connect, run by the AWS CLI v1 in
  process (`aws connect ... --endpoint-url`).

boto3 runs with parameter_validation=False and no retries: the server, not the client, judges.
"""

import contextlib
import copy
import io
import json
import os
import re
import shlex
import sys

os.environ.update(
    AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY="conformance-secret",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_CONFIG_FILE=os.devnull,
    AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    AWS_MAX_ATTEMPTS="1",
    AWS_RETRY_MODE="standard",
    AWS_EC2_METADATA_DISABLED="true",
)

import boto3  # noqa: E402
import botocore  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.exceptions import ClientError  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))

# Every operation the emulator serves; harness.ts checks this against the emulator's own list.
OPERATIONS = [
    "CreateUser",
    "DescribeUser",
    "DeleteUser",
    "SearchUsers",
    "ListUsers",
    "ListRoutingProfiles",
    "ListSecurityProfiles",
    "ListUserHierarchyGroups",
    "ListTagsForResource",
    "TagResource",
    "UntagResource",
    "UpdateUserRoutingProfile",
    "UpdateUserSecurityProfiles",
    "UpdateUserHierarchy",
    "UpdateUserIdentityInfo",
    "UpdateUserPhoneConfig",
]

IP = (400, "InvalidParameterException")
IR = (400, "InvalidRequestException")
NF = (404, "ResourceNotFoundException")
OK = (200, None)

DELETE = object()


class Case:
    def __init__(self, op, target, params, expect, name, via="boto3", mention=None, check=None):
        self.op = op
        self.target = target
        # A dict, or a function of the driver returning one (for calls that need a fresh user).
        self.params = params
        self.expect = expect
        self.name = name
        self.via = via
        self.mention = mention
        self.check = check


# --- values ------------------------------------------------------------------------------

_counter = [0]


def fresh(prefix="conf"):
    _counter[0] += 1
    return f"{prefix}{_counter[0]}"


# Valid values of constrained shapes, by shape name.
VALID_BY_SHAPE = {
    "Password": "Welcome2Connect",
    "PhoneNumber": "+14155550100",
    "SensitivePhoneNumber": "+15125550199",
    "TagKey": "k",
    "TagValue": "v",
}
# Values of structures on a violation's path that an emulator needs to get as far as the
# member under test (the model marks none of these members required).
TYPICAL_BY_SHAPE = {
    "StringCondition": {"FieldName": "Username", "Value": "x", "ComparisonType": "EXACT"},
    "NumberCondition": {"FieldName": "skill", "MinValue": 1, "ComparisonType": "GREATER_OR_EQUAL"},
    "HierarchyGroupCondition": {"Value": "hg-austin", "HierarchyGroupMatchType": "EXACT"},
    "TagCondition": {"TagKey": "k", "TagValue": "v"},
    "ListCondition": {"TargetListType": "PROFICIENCIES"},
}
# Values that break a pattern, by shape name; the second entry, where there is one, breaks it
# another way.
PATTERN_VIOLATIONS = {
    "Password": ["short"],
    "PhoneNumber": ["0415 555 0100"],
    "SensitivePhoneNumber": ["5125550199"],
    "TagKey": ["aws:reserved", "cost#center"],
}


def minimal(shape):
    """The smallest valid value of a shape: required members, plus the typical ones."""
    name = shape.name
    if shape.type_name == "structure":
        value = copy.deepcopy(TYPICAL_BY_SHAPE.get(name, {}))
        for member in shape.required_members:
            value.setdefault(member, minimal(shape.members[member]))
        return value
    if shape.type_name == "list":
        return [minimal(shape.member)]
    if shape.type_name == "map":
        return {"k": minimal(shape.value)}
    if shape.type_name == "string":
        if shape.enum:
            return shape.enum[0]
        if name in VALID_BY_SHAPE:
            return VALID_BY_SHAPE[name]
        return "x" * max(shape.metadata.get("min", 1), 1)
    if shape.type_name in ("integer", "long"):
        return shape.metadata.get("min", 0)
    if shape.type_name == "boolean":
        return False
    raise ValueError(f"no minimal value for {name} ({shape.type_name})")


# --- the model walker ---------------------------------------------------------------------


def violations(shape, path=(), mention=None, on_path=()):
    """Yields (path, value, constraint, mention): one violation per constraint of the shape.

    A path is a tuple of (key, shape) steps from the request root; key is a member name, 0 for
    a list's first item, or ("key", k) for a map key. Recursive shapes are followed once.
    """
    if shape.name in on_path:
        return
    on_path = on_path + (shape.name,)
    meta = shape.metadata
    kind = shape.type_name
    if kind == "structure":
        for member in shape.required_members:
            step = path + ((member, shape.members[member]),)
            yield step, DELETE, "required", member
        for member, member_shape in shape.members.items():
            step = path + ((member, member_shape),)
            yield from violations(member_shape, step, member, on_path)
    elif kind == "list":
        if meta.get("min", 0) > 0:
            yield path, [], f"min items {meta['min']}", mention
        if "max" in meta:
            items = [unique_item(shape.member, i) for i in range(meta["max"] + 1)]
            yield path, items, f"max items {meta['max']}", mention
        yield from violations(shape.member, path + ((0, shape.member),), mention, on_path)
    elif kind == "map":
        if meta.get("min", 0) > 0:
            yield path, {}, f"min entries {meta['min']}", mention
        if "max" in meta:
            entries = {f"k{i}": minimal(shape.value) for i in range(meta["max"] + 1)}
            yield path, entries, f"max entries {meta['max']}", mention
        for bad_key, constraint in string_violations(shape.key):
            yield path, {bad_key: minimal(shape.value)}, f"key {constraint}", mention
        for bad_value, constraint in string_violations(shape.value):
            yield path, {"k": bad_value}, f"value {constraint}", mention
    elif kind == "string":
        for bad, constraint in string_violations(shape):
            yield path, bad, constraint, mention
    elif kind in ("integer", "long"):
        if "min" in meta:
            yield path, meta["min"] - 1, f"min {meta['min']}", mention
        if "max" in meta:
            yield path, meta["max"] + 1, f"max {meta['max']}", mention


def string_violations(shape):
    meta = shape.metadata
    out = []
    if meta.get("min", 0) > 0:
        out.append(("x" * (meta["min"] - 1), f"min length {meta['min']}"))
    if "max" in meta:
        out.append(("k" * (meta["max"] + 1), f"max length {meta['max']}"))
    if "pattern" in meta:
        bad = PATTERN_VIOLATIONS.get(shape.name)
        if bad is None:
            raise ValueError(f"no pattern violation known for {shape.name}: {meta['pattern']}")
        for i, value in enumerate(bad):
            out.append((value, "pattern" if i == 0 else f"pattern ({value})"))
    if shape.enum:
        out.append(("NOT_AN_ENUM_VALUE", "enum"))
    return out


def unique_item(shape, i):
    value = minimal(shape)
    return f"{value}-{i}" if isinstance(value, str) else value


def apply(base, path, value):
    """A copy of base with value (or DELETE) at path, creating what the path needs."""
    request = copy.deepcopy(base)
    node = request
    for i, (key, shape) in enumerate(path):
        last = i == len(path) - 1
        if last:
            if value is DELETE:
                if isinstance(node, dict):
                    node.pop(key, None)
            else:
                node[key] = value
            break
        if isinstance(node, list):
            while len(node) <= key:
                node.append(minimal(shape))
            child = node[key]
        else:
            child = node.get(key)
            if child is None:
                child = minimal(shape)
                node[key] = child
        node = child
    return request


def location(op_model, member):
    shape = op_model.input_shape.members.get(member)
    return shape.serialization.get("location") if shape is not None else None


# --- running calls ------------------------------------------------------------------------


class Outcome:
    def __init__(self, status, code, message, body=None):
        self.status = status
        self.code = code
        self.message = message or ""
        self.body = body


class Driver:
    def __init__(self, targets, seeds):
        self.targets = targets
        self.seeds = seeds
        self.session = boto3.session.Session()
        self.model = self.session._session.get_service_model("connect")
        config = Config(
            parameter_validation=False,
            retries={"total_max_attempts": 1},
            connect_timeout=5,
            read_timeout=10,
        )
        self.clients = {
            name: self.session.client(
                "connect", endpoint_url=t["endpoint"], region_name="us-east-1", config=config
            )
            for name, t in targets.items()
        }
        self.cli = None

    def instance(self, target):
        return self.targets[target]["instanceId"]

    def arn(self, target, kind, resource_id):
        return f"{self.targets[target]['instanceArn']}/{kind}/{resource_id}"

    def call(self, target, op, params):
        method = getattr(self.clients[target], botocore.xform_name(op))
        try:
            body = method(**params)
            return Outcome(body["ResponseMetadata"]["HTTPStatusCode"], None, None, body)
        except ClientError as error:
            response = error.response
            return Outcome(
                response["ResponseMetadata"]["HTTPStatusCode"],
                response["Error"].get("Code"),
                response["Error"].get("Message"),
            )

    def must(self, target, op, params):
        outcome = self.call(target, op, params)
        if outcome.status != 200:
            raise RuntimeError(f"setup call {op} failed: {outcome.code} {outcome.message}")
        return outcome.body

    def new_user(self, target="saml", **extra):
        params = {
            "InstanceId": self.instance(target),
            "Username": f"{fresh('setup')}@example.com",
            "IdentityInfo": {"FirstName": "Setup", "LastName": "User"},
            "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
            "RoutingProfileId": "rp-basic",
            "SecurityProfileIds": ["sp-agent"],
        }
        params.update(extra)
        return self.must(target, "CreateUser", params)["UserId"]

    def describe(self, target, user_id):
        params = {"InstanceId": self.instance(target), "UserId": user_id}
        return self.must(target, "DescribeUser", params)["User"]

    def run_cli(self, argv):
        from awscli.clidriver import create_clidriver

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = create_clidriver().main(argv)
        text = err.getvalue()
        match = re.search(r"An error occurred \((\w+)\)", text)
        if rc == 0:
            return Outcome(200, None, None, out.getvalue())
        return Outcome(None, match.group(1) if match else None, text.strip())

    def run(self, case):
        try:
            params = case.params(self) if callable(case.params) else case.params
            if case.via == "cli":
                outcome = self.run_cli(params)
            else:
                outcome = self.call(case.target, case.op, params)
        except Exception as error:  # a setup failure or a transport error is a failed case
            outcome = Outcome(None, type(error).__name__, str(error))
        status, code = case.expect
        problems = []
        if case.via == "cli":
            if (outcome.status == 200) != (status == 200) or (code and outcome.code != code):
                problems.append(f"expected {code or 'success'}, got {outcome.code or 'success'}")
        elif outcome.status != status or outcome.code != code:
            problems.append(f"expected {status} {code}, got {outcome.status} {outcome.code}")
        if not problems and case.mention and case.mention.lower() not in outcome.message.lower():
            problems.append(f"the message does not name {case.mention}: {outcome.message!r}")
        if not problems and case.check:
            try:
                failure = case.check(self, outcome)
            except Exception as error:
                failure = f"check raised {type(error).__name__}: {error}"
            if failure:
                problems.append(failure)
        return {
            "op": case.op,
            "name": case.name,
            "via": case.via,
            "expected": {"status": status, "code": code},
            "got": {"status": outcome.status, "code": outcome.code, "message": outcome.message[:300]},
            "pass": not problems,
            "problem": "; ".join(problems) or None,
        }


# --- base requests ------------------------------------------------------------------------


def bases(d):
    """A valid request per operation (a function of the driver), its target, and a hook that
    makes room in the base for a member under test."""
    saml = d.instance("saml")
    managed = d.instance("cliExamples")
    user_arn = d.arn("saml", "agent", "u-tags")

    def create_user(_):
        return {
            "InstanceId": managed,
            "Username": fresh("cu"),
            "Password": "Welcome2Connect",
            "IdentityInfo": {"FirstName": "Ana", "LastName": "Lopez", "Email": "ana@example.com"},
            "PhoneConfig": {"PhoneType": "SOFT_PHONE", "AutoAccept": False, "AfterContactWorkTimeLimit": 0},
            "SecurityProfileIds": ["12345678-1111-2222-aaaa-a1b2c3d4f5g7"],
            "RoutingProfileId": "87654321-9999-3434-abcd-x1y2z3a1b2c3",
            "Tags": {"employeeId": "E1"},
        }

    conflicts = {
        "AutoAcceptConfigs": ["AutoAccept"],
        "AfterContactWorkConfigs": ["AfterContactWorkTimeLimit"],
        "PersistentConnectionConfigs": ["PersistentConnection"],
    }

    def make_room_create(request, member):
        # The reference: a PhoneConfig field "cannot be set simultaneously" with its
        # channel-specific counterpart.
        if member == "PhoneNumberConfigs":
            request.pop("PhoneConfig", None)
        for field in conflicts.get(member, []):
            request.get("PhoneConfig", {}).pop(field, None)
        return request

    same = lambda request, member: request  # noqa: E731
    return {
        "CreateUser": ("cliExamples", create_user, make_room_create),
        "DescribeUser": ("saml", lambda _: {"InstanceId": saml, "UserId": "u-describe"}, same),
        "DeleteUser": ("saml", lambda d: {"InstanceId": saml, "UserId": d.new_user()}, same),
        "SearchUsers": ("saml", lambda _: {"InstanceId": saml}, same),
        "ListUsers": ("saml", lambda _: {"InstanceId": saml}, same),
        "ListRoutingProfiles": ("saml", lambda _: {"InstanceId": saml}, same),
        "ListSecurityProfiles": ("saml", lambda _: {"InstanceId": saml}, same),
        "ListUserHierarchyGroups": ("saml", lambda _: {"InstanceId": saml}, same),
        "ListTagsForResource": ("saml", lambda _: {"resourceArn": user_arn}, same),
        "TagResource": ("saml", lambda _: {"resourceArn": user_arn, "tags": {"team": "blue"}}, same),
        "UntagResource": ("saml", lambda _: {"resourceArn": user_arn, "tagKeys": ["team"]}, same),
        "UpdateUserRoutingProfile": (
            "saml",
            lambda _: {"InstanceId": saml, "UserId": "u-routing", "RoutingProfileId": "rp-care"},
            same,
        ),
        "UpdateUserSecurityProfiles": (
            "saml",
            lambda _: {"InstanceId": saml, "UserId": "u-security", "SecurityProfileIds": ["sp-agent", "sp-qa"]},
            same,
        ),
        "UpdateUserHierarchy": (
            "saml",
            lambda _: {"InstanceId": saml, "UserId": "u-hierarchy", "HierarchyGroupId": "hg-remote"},
            same,
        ),
        "UpdateUserIdentityInfo": (
            "saml",
            lambda _: {
                "InstanceId": saml,
                "UserId": "u-identity",
                "IdentityInfo": {"FirstName": "Ida", "LastName": "Identity", "Email": "ida@example.com"},
            },
            same,
        ),
        "UpdateUserPhoneConfig": (
            "saml",
            lambda _: {
                "InstanceId": saml,
                "UserId": "u-phone",
                "PhoneConfig": {"PhoneType": "SOFT_PHONE", "AutoAccept": True, "AfterContactWorkTimeLimit": 20},
            },
            same,
        ),
    }


def generated_cases(d):
    cases = []
    for op, (target, base, make_room) in bases(d).items():
        op_model = d.model.operation_model(op)
        # The base itself must succeed, or a violation could fail for another reason.
        cases.append(Case(op, target, base, OK, "the base request of the generated cases"))
        for path, value, constraint, mention in violations(op_model.input_shape):
            top = path[0][0]
            uri = location(op_model, top) == "uri"
            if uri and len(path) == 1 and value is DELETE:
                value = ""  # a URI label cannot be left out, only left empty
            label = ".".join(str(k) if not isinstance(k, tuple) else "<key>" for k, _ in path)

            def params(d, base=base, make_room=make_room, top=top, path=path, value=value):
                return apply(make_room(base(d), top), path, value)

            cases.append(
                Case(op, target, params, IP, f"{label}: {constraint}", mention=mention or top)
            )
    return cases


# --- hand-written cases -------------------------------------------------------------------


def absent(value):
    return value is None


def handwritten_cases(d):
    saml, managed, directory = d.instance("saml"), d.instance("cliExamples"), d.instance("directory")
    c = []

    def saml_user(**extra):
        base = {
            "InstanceId": saml,
            "Username": f"{fresh('hw')}@example.com",
            "IdentityInfo": {"FirstName": "Ana", "LastName": "Lopez", "Email": "ana@example.com"},
            "PhoneConfig": {"PhoneType": "SOFT_PHONE"},
            "RoutingProfileId": "rp-basic",
            "SecurityProfileIds": ["sp-agent"],
        }
        base.update(extra)
        return {k: v for k, v in base.items() if v is not DELETE}

    # CreateUser
    def created_soft_phone(d, outcome):
        user = d.describe("saml", outcome.body["UserId"])
        if user.get("PhoneConfig", {}).get("PhoneType") != "SOFT_PHONE":
            return f"PhoneConfig is {user.get('PhoneConfig')!r}"
        return None

    c += [
        Case("CreateUser", "saml", lambda _: saml_user(), OK, "a valid SAML user"),
        Case("CreateUser", "saml", lambda _: saml_user(InstanceId=d.targets["saml"]["instanceArn"]), OK,
             "the instance ARN in place of its ID"),
        Case("CreateUser", "saml", lambda _: saml_user(PhoneConfig=DELETE), OK,
             "no PhoneConfig (optional in the current model): a soft phone", check=created_soft_phone),
        Case("CreateUser", "saml", lambda _: saml_user(PhoneConfig={"AutoAccept": True}), OK,
             "a PhoneConfig without PhoneType (optional in the current model)", check=created_soft_phone),
        Case("CreateUser", "cliExamples",
             lambda _: {"InstanceId": managed, "Username": fresh("nomail"), "Password": "Pass@Word1",
                        "IdentityInfo": {"FirstName": "Mary", "LastName": "Major"},
                        "SecurityProfileIds": ["12345678-1111-2222-aaaa-a1b2c3d4f5g7"],
                        "RoutingProfileId": "87654321-9999-3434-abcd-x1y2z3a1b2c3"},
             OK, "CONNECT_MANAGED without an Email (the CLI reference's example)"),
        Case("CreateUser", "saml", lambda _: saml_user(Password="Welcome2Connect"), IR,
             "a Password on SAML (CLI reference: InvalidRequestException)", mention="Password"),
        Case("CreateUser", "saml", lambda _: saml_user(DirectoryUserId="dir-1"), IR,
             "a DirectoryUserId on SAML (CLI reference: InvalidRequestException)", mention="DirectoryUserId"),
        Case("CreateUser", "cliExamples",
             lambda _: {"InstanceId": managed, "Username": fresh("nopw"),
                        "IdentityInfo": {"FirstName": "Mary", "LastName": "Major"},
                        "SecurityProfileIds": ["12345678-1111-2222-aaaa-a1b2c3d4f5g7"],
                        "RoutingProfileId": "87654321-9999-3434-abcd-x1y2z3a1b2c3"},
             IR, "no Password on CONNECT_MANAGED (required there)", mention="Password"),
        Case("CreateUser", "saml", lambda _: saml_user(IdentityInfo={"LastName": "Lopez"}), IR,
             "no FirstName on SAML (required there)", mention="FirstName"),
        Case("CreateUser", "saml", lambda _: saml_user(Username="a" * 52 + "@example.com"), OK,
             "a 64-character username on SAML"),
        Case("CreateUser", "saml", lambda _: saml_user(Username="a" * 53 + "@example.com"), IP,
             "a 65-character username on SAML (up to 64)", mention="Username"),
        Case("CreateUser", "cliExamples",
             lambda _: {"InstanceId": managed, "Username": "a" * 21, "Password": "Welcome2Connect",
                        "IdentityInfo": {"FirstName": "Mary", "LastName": "Major"},
                        "SecurityProfileIds": ["12345678-1111-2222-aaaa-a1b2c3d4f5g7"],
                        "RoutingProfileId": "87654321-9999-3434-abcd-x1y2z3a1b2c3"},
             IP, "a 21-character username on CONNECT_MANAGED (up to 20)", mention="Username"),
        Case("CreateUser", "saml",
             lambda _: saml_user(PhoneConfig={"PhoneType": "SOFT_PHONE", "AfterContactWorkTimeLimit": 2_000_001}),
             IP, "ACW over 2,000,000 seconds (reference)", mention="AfterContactWorkTimeLimit"),
        Case("CreateUser", "saml", lambda _: saml_user(PhoneConfig={"PhoneType": "DESK_PHONE"}), IP,
             "DESK_PHONE without a DeskPhoneNumber", mention="DeskPhoneNumber"),
        Case("CreateUser", "saml", lambda _: saml_user(RoutingProfileId="rp-nope"), NF,
             "an unknown routing profile"),
        Case("CreateUser", "saml", lambda _: saml_user(SecurityProfileIds=["sp-agent", "sp-nope"]), NF,
             "an unknown security profile"),
        Case("CreateUser", "saml", lambda _: saml_user(HierarchyGroupId="hg-nope"), NF,
             "an unknown hierarchy group"),
        Case("CreateUser", "saml", lambda _: saml_user(InstanceId="00000000-0000-0000-0000-000000000000"), NF,
             "an unknown instance"),
        Case("CreateUser", "saml", lambda _: saml_user(Username="Describe.Me@Example.com"),
             (409, "DuplicateResourceException"), "a username taken, in another case"),
        Case("CreateUser", "full", lambda d: dict(saml_user(), InstanceId=d.instance("full")),
             (429, "LimitExceededException"), "a full instance (users per instance)"),
    ]

    # DescribeUser, DeleteUser
    def described(d, outcome):
        user = outcome.body["User"]
        want = {"Id": "u-describe", "Username": "describe.me@example.com", "RoutingProfileId": "rp-basic",
                "SecurityProfileIds": ["sp-agent"], "HierarchyGroupId": "hg-austin", "Tags": {"employeeId": "E1"}}
        wrong = {k: user.get(k) for k, v in want.items() if user.get(k) != v}
        return f"DescribeUser returned {wrong!r}" if wrong else None

    def deleted(d, outcome):
        gone = d.call("saml", "DescribeUser", {"InstanceId": saml, "UserId": deleted.user})
        return None if gone.code == "ResourceNotFoundException" else f"DescribeUser after delete: {gone.code}"

    def delete_params(d):
        deleted.user = d.new_user()
        return {"InstanceId": saml, "UserId": deleted.user}

    c += [
        Case("DescribeUser", "saml", {"InstanceId": saml, "UserId": "u-describe"}, OK, "a seeded user", check=described),
        Case("DescribeUser", "saml", {"InstanceId": saml, "UserId": "u-nobody"}, NF, "an unknown user"),
        Case("DescribeUser", "saml", {"InstanceId": "nope", "UserId": "u-describe"}, NF, "an unknown instance"),
        Case("DeleteUser", "saml", delete_params, OK, "a user, gone from DescribeUser after", check=deleted),
        Case("DeleteUser", "saml", {"InstanceId": saml, "UserId": "u-nobody"}, NF, "an unknown user"),
    ]

    # SearchUsers, List*
    def found(username):
        def check(d, outcome):
            names = [u["Username"] for u in outcome.body.get("Users", [])]
            return None if names == [username] else f"found {names!r}"

        return check

    def by_username(name):
        return {"InstanceId": saml,
                "SearchCriteria": {"StringCondition": {"FieldName": "Username", "Value": name, "ComparisonType": "EXACT"}}}

    c += [
        Case("SearchUsers", "saml", by_username("describe.me@example.com"), OK, "by username",
             check=found("describe.me@example.com")),
        Case("SearchUsers", "saml",
             {"InstanceId": saml, "SearchFilter": {"TagFilter": {"TagCondition": {"TagKey": "employeeId", "TagValue": "E1"}}}},
             OK, "by tag", check=found("describe.me@example.com")),
        Case("SearchUsers", "saml", {"InstanceId": "nope"}, NF, "an unknown instance"),
        Case("SearchUsers", "saml", {"InstanceId": saml, "NextToken": "not-a-token"}, IP, "a token it never gave",
             mention="NextToken"),
    ]
    for op, member in [("ListUsers", "UserSummaryList"), ("ListRoutingProfiles", "RoutingProfileSummaryList"),
                       ("ListSecurityProfiles", "SecurityProfileSummaryList"),
                       ("ListUserHierarchyGroups", "UserHierarchyGroupSummaryList")]:
        def listed(d, outcome, member=member):
            return None if outcome.body.get(member) else f"no {member}"

        c += [
            Case(op, "saml", {"InstanceId": saml, "MaxResults": 1000}, OK, "the largest page", check=listed),
            Case(op, "saml", {"InstanceId": "nope"}, NF, "an unknown instance"),
        ]

    # Tags
    tags_arn = d.arn("saml", "agent", "u-tags")

    def tags_are(want):
        def check(d, _outcome):
            got = d.must("saml", "ListTagsForResource", {"resourceArn": tags_arn})["tags"]
            return None if got == want else f"tags are {got!r}"

        return check

    c += [
        Case("TagResource", "saml", {"resourceArn": tags_arn, "tags": {"team": "green", "site": "aus"}}, OK,
             "adds tags", check=tags_are({"employeeId": "E7", "team": "green", "site": "aus"})),
        Case("UntagResource", "saml", {"resourceArn": tags_arn, "tagKeys": ["site"]}, OK, "removes a tag",
             check=tags_are({"employeeId": "E7", "team": "green"})),
        Case("ListTagsForResource", "saml", {"resourceArn": tags_arn}, OK, "a user's tags"),
        Case("ListTagsForResource", "saml", {"resourceArn": d.arn("saml", "agent", "u-nobody")}, NF,
             "an unknown user"),
        Case("TagResource", "saml", {"resourceArn": d.arn("saml", "agent", "u-nobody"), "tags": {"a": "b"}}, NF,
             "an unknown user"),
        Case("UntagResource", "saml", {"resourceArn": d.arn("saml", "agent", "u-nobody"), "tagKeys": ["a"]}, NF,
             "an unknown user"),
    ]

    # The update operations: a valid call, what DescribeUser shows after, unknown references.
    def update(op, member_params, user_extra=None):
        """params for op on a fresh SAML user; remembers the user for the check."""

        def params(d):
            params.user = d.new_user(**(user_extra or {}))
            return {"InstanceId": saml, "UserId": params.user, **member_params}

        return params

    def shows(params_fn, **fields):
        def check(d, _outcome):
            user = d.describe("saml", params_fn.user)
            for key, want in fields.items():
                got = user.get(key)
                if not (want(got) if callable(want) else got == want):
                    return f"DescribeUser {key} is {got!r}"
            return None

        return check

    rp = update("UpdateUserRoutingProfile", {"RoutingProfileId": "rp-care"})
    sp = update("UpdateUserSecurityProfiles", {"SecurityProfileIds": ["sp-qa", "sp-agent"]})
    hg = update("UpdateUserHierarchy", {"HierarchyGroupId": "hg-remote"})
    hg_remove = update("UpdateUserHierarchy", {}, {"HierarchyGroupId": "hg-austin"})
    ident = update("UpdateUserIdentityInfo",
                   {"IdentityInfo": {"FirstName": "Zoë", "LastName": "Núñez", "Email": "zoe@example.com",
                                     "Mobile": "+14155550100"}})
    phone = update("UpdateUserPhoneConfig",
                   {"PhoneConfig": {"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+15125550199",
                                    "AutoAccept": True, "AfterContactWorkTimeLimit": 45}})
    phone_partial = update("UpdateUserPhoneConfig", {"PhoneConfig": {"AutoAccept": True}},
                           {"PhoneConfig": {"PhoneType": "SOFT_PHONE", "AfterContactWorkTimeLimit": 30}})
    phone_desk_no_number = update("UpdateUserPhoneConfig", {"PhoneConfig": {"PhoneType": "DESK_PHONE"}})

    c += [
        Case("UpdateUserRoutingProfile", "saml", rp, OK, "a known routing profile",
             check=shows(rp, RoutingProfileId="rp-care")),
        Case("UpdateUserSecurityProfiles", "saml", sp, OK, "known security profiles",
             check=shows(sp, SecurityProfileIds=["sp-qa", "sp-agent"])),
        Case("UpdateUserHierarchy", "saml", hg, OK, "a known hierarchy group",
             check=shows(hg, HierarchyGroupId="hg-remote")),
        Case("UpdateUserHierarchy", "saml", hg_remove, OK, "no HierarchyGroupId: the group is removed",
             check=shows(hg_remove, HierarchyGroupId=absent)),
        Case("UpdateUserIdentityInfo", "saml", ident, OK, "a new identity",
             check=shows(ident, IdentityInfo={"FirstName": "Zoë", "LastName": "Núñez", "Email": "zoe@example.com",
                                              "Mobile": "+14155550100"})),
        Case("UpdateUserPhoneConfig", "saml", phone, OK, "a desk phone",
             check=shows(phone, PhoneConfig={"PhoneType": "DESK_PHONE", "DeskPhoneNumber": "+15125550199",
                                             "AutoAccept": True, "AfterContactWorkTimeLimit": 45})),
        Case("UpdateUserPhoneConfig", "saml", phone_partial, OK,
             "only AutoAccept (PhoneType optional in the current model): the rest is kept",
             check=shows(phone_partial, PhoneConfig={"PhoneType": "SOFT_PHONE", "AutoAccept": True,
                                                     "AfterContactWorkTimeLimit": 30})),
        Case("UpdateUserPhoneConfig", "saml", phone_desk_no_number, IP, "DESK_PHONE without a number",
             mention="DeskPhoneNumber"),
        Case("UpdateUserPhoneConfig", "saml",
             {"InstanceId": saml, "UserId": "u-phone",
              "PhoneConfig": {"PhoneType": "SOFT_PHONE", "AfterContactWorkTimeLimit": 2_000_001}},
             IP, "ACW over 2,000,000 seconds (reference)", mention="AfterContactWorkTimeLimit"),
        Case("UpdateUserIdentityInfo", "saml",
             {"InstanceId": saml, "UserId": "u-identity", "IdentityInfo": {"LastName": "Identity"}},
             IR, "no FirstName on SAML (required there)", mention="FirstName"),
        Case("UpdateUserIdentityInfo", "directory",
             {"InstanceId": directory, "UserId": "u-directory", "IdentityInfo": {"Mobile": "+14155550100"}},
             OK, "EXISTING_DIRECTORY: Mobile only"),
        Case("UpdateUserIdentityInfo", "directory",
             {"InstanceId": directory, "UserId": "u-directory", "IdentityInfo": {"FirstName": "Dirk"}},
             IR, "EXISTING_DIRECTORY: FirstName is the directory's", mention="FirstName"),
        Case("UpdateUserRoutingProfile", "saml",
             {"InstanceId": saml, "UserId": "u-routing", "RoutingProfileId": "rp-nope"}, NF,
             "an unknown routing profile"),
        Case("UpdateUserSecurityProfiles", "saml",
             {"InstanceId": saml, "UserId": "u-security", "SecurityProfileIds": ["sp-agent", "sp-nope"]}, NF,
             "an unknown security profile"),
        Case("UpdateUserHierarchy", "saml",
             {"InstanceId": saml, "UserId": "u-hierarchy", "HierarchyGroupId": "hg-nope"}, NF,
             "an unknown hierarchy group"),
    ]
    unknown_user = {
        "UpdateUserRoutingProfile": {"RoutingProfileId": "rp-care"},
        "UpdateUserSecurityProfiles": {"SecurityProfileIds": ["sp-agent"]},
        "UpdateUserHierarchy": {"HierarchyGroupId": "hg-remote"},
        "UpdateUserIdentityInfo": {"IdentityInfo": {"FirstName": "A", "LastName": "B"}},
        "UpdateUserPhoneConfig": {"PhoneConfig": {"PhoneType": "SOFT_PHONE"}},
    }
    for op, members in unknown_user.items():
        c.append(Case(op, "saml", {"InstanceId": saml, "UserId": "u-nobody", **members}, NF, "an unknown user"))
        c.append(Case(op, "saml", {"InstanceId": "nope", "UserId": "u-routing", **members}, NF,
                      "an unknown instance"))

    # An update is what SearchUsers finds (no lag on this instance).
    moved = update("UpdateUserRoutingProfile", {"RoutingProfileId": "rp-care"})

    def search_sees_move(d, _outcome):
        found_users = d.must("saml", "SearchUsers", {
            "InstanceId": saml,
            "SearchCriteria": {"StringCondition": {"FieldName": "resourceId", "Value": moved.user, "ComparisonType": "EXACT"}},
        })["Users"]
        got = [u.get("RoutingProfileId") for u in found_users]
        return None if got == ["rp-care"] else f"SearchUsers shows {got!r}"

    c.append(Case("UpdateUserRoutingProfile", "saml", moved, OK, "SearchUsers sees the new profile",
                  check=search_sees_move))
    return c


def per_api_cases(d):
    """ThrottlingException and InternalServiceException for every operation."""
    cases = []
    for op, (target, base, _make_room) in bases(d).items():
        for emulator, expect, what in [("throttled", (429, "ThrottlingException"), "an empty token bucket"),
                                       ("faulty", (500, "InternalServiceException"), "an injected fault")]:
            def params(d, base=base, target=target, emulator=emulator):
                request = base(DriverOn(d, emulator)) if target == "saml" else base(d)
                return retarget(request, d, target, emulator)

            cases.append(Case(op, emulator, params, expect, what))
    return cases


class DriverOn:
    """The driver as seen by a base request built for another emulator (no setup calls)."""

    def __init__(self, driver, target):
        self.driver = driver
        self.target = target

    def new_user(self, **_extra):
        return "u-describe"


def retarget(request, d, source, target):
    text = json.dumps(request)
    text = text.replace(d.targets[source]["instanceArn"], d.targets[target]["instanceArn"])
    text = text.replace(d.targets[source]["instanceId"], d.targets[target]["instanceId"])
    return json.loads(text)


def cli_cases(d):
    """The AWS CLI reference's published examples for connect, by the AWS CLI itself."""
    try:
        import awscli
    except ImportError:
        return [], ["AWS CLI v1 (awscli) is not installed: its published examples were not run"]
    examples = os.path.join(os.path.dirname(awscli.__file__), "examples", "connect")
    order = [
        ("create-user", "CreateUser"),
        ("update-user-routing-profile", "UpdateUserRoutingProfile"),
        ("update-user-security-profiles", "UpdateUserSecurityProfiles"),
        ("update-user-hierarchy", "UpdateUserHierarchy"),
        ("update-user-identity-info", "UpdateUserIdentityInfo"),
        ("update-user-phone-config", "UpdateUserPhoneConfig"),
        ("delete-user", "DeleteUser"),
    ]
    cases, skipped = [], []
    for name, op in order:
        path = os.path.join(examples, f"{name}.rst")
        if not os.path.exists(path):
            skipped.append(f"{name}: no published example in this AWS CLI")
            continue
        argv = example_argv(path)
        argv += ["--endpoint-url", d.targets["cliExamples"]["endpoint"]]
        cases.append(Case(op, "cliExamples", argv, OK, f"the CLI reference's {name} example", via="cli"))
    return cases, skipped


def example_argv(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start = text.index("aws connect ")
    lines = []
    for line in text[start:].splitlines():
        stripped = line.strip()
        if not stripped:
            break
        lines.append(stripped.rstrip("\\").strip())
        if not stripped.endswith("\\"):
            break
    return shlex.split(" ".join(lines))[1:]  # without "aws"


def main():
    request = json.load(sys.stdin)
    with open(os.path.join(HERE, "seeds.json"), encoding="utf-8") as f:
        seeds = json.load(f)
    d = Driver(request["targets"], seeds)
    generated = generated_cases(d)
    cli, skipped = cli_cases(d)
    cases = generated + handwritten_cases(d) + per_api_cases(d) + cli
    results = [d.run(case) for case in cases]
    json.dump({"operations": OPERATIONS, "results": results, "skipped": skipped,
               "generated": len(generated), "botocore": botocore.__version__}, sys.stdout)


if __name__ == "__main__":
    main()
