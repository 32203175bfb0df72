"""Email drafts: chasing partners for their updates, and circulating the pack.

The stories: before the October meeting an officer asks cspkit for a draft to every partner
whose update is not in, each with its form attached, opens them in Outlook and sends them;
a partner with no address on file still gets a draft, and the officer is told whose address
is missing; later the clerk circulates the pack. Addresses live in contacts.yaml, which git
ignores, and appear nowhere but in the drafts: not in a pack, a listing, JSON or a form.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import json
import subprocess
from pathlib import Path

import pytest
from conftest import CHARNWOOD, copy_repo, snapshot

from cspkit.documents import read_document
from cspkit.session import open_repo

TODAY = dt.date.today()
OCTOBER = dt.date(2023, 10, 12)
SENDER = "Charnwood Community Safety Team <community.safety@charnwood.example>"
CONTACTS = """\
# Private: partners' email addresses. Never commit this file.
people:
  gurjit-samra-rai: gurjit.samra-rai@lcc.example.org
  maddie-clay: maddie.clay@probation.example.org
  liz-blackshaw: liz.blackshaw@charnwood.example.org
organisations:
  turning-point: charnwood.partners@turning-point.example.org
"""
ADDRESSES = ("gurjit.samra-rai@lcc.example.org", "maddie.clay@probation.example.org",
             "liz.blackshaw@charnwood.example.org", "charnwood.partners@turning-point.example.org")


@pytest.fixture
def repo(tmp_path) -> Path:
    root = copy_repo(CHARNWOOD, tmp_path / "charnwood")
    (root / "contacts.yaml").write_text(CONTACTS, encoding="utf-8")
    return root


def message(path: Path) -> email.message.EmailMessage:
    return email.message_from_bytes(path.read_bytes(), policy=email.policy.default)


def body(m: email.message.EmailMessage) -> str:
    """The plain-text body, its lines as Python writes them (mail is written with CRLF)."""
    return m.get_body(("plain",)).get_content().replace("\r\n", "\n")


def ok(r):
    assert r.code == 0, (r.out, r.err)
    return r


# --------------------------------------------------------------------------- chasing by email


def test_chase_writes_a_draft_per_missing_partner_with_its_form_attached(repo, cli, tmp_path):
    drafts = tmp_path / "drafts"
    r = ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", drafts, "--deadline", "2099-01-01"))
    missing = ["lcc", "turning-point", "vrn", "loughborough-bid", "probation"]
    assert sorted(p.name for p in drafts.iterdir()) == sorted(f"2023-10-12-chase-{o}.eml" for o in missing)
    assert f"wrote {drafts}/2023-10-12-chase-probation.eml (to Maddie Clay)" in r.out
    assert f"wrote {drafts}/2023-10-12-chase-vrn.eml (no address: To left empty)" in r.out
    assert r.err.splitlines() == [
        "warning: no email address for Grace Strong (Violence Reduction Network) in contacts.yaml: the draft's "
        "To is empty",
        "warning: no email address for Ioni Ashford (Loughborough Business Improvement District) in contacts.yaml: "
        "the draft's To is empty",
    ]

    m = message(drafts / "2023-10-12-chase-probation.eml")
    assert m["X-Unsent"] == "1"
    assert m["From"] == SENDER
    assert [(a.display_name, a.addr_spec) for a in m["To"].addresses] == [
        ("Maddie Clay", "maddie.clay@probation.example.org")]
    assert m["Subject"] == "Charnwood CSP partner update for 12 October 2023, please return by Thursday, 1st " \
                           "January 2099"
    text = body(m)
    assert text.startswith("Dear Maddie,\n\nPlease find attached the partner update form for the Charnwood "
                           "Community Safety Partnership meeting on Thursday, 12th October 2023.")
    assert "send it back by Thursday, 1st January 2099?" in text
    assert text.rstrip().endswith("Thank you,\n\nCommunity Safety Team, Charnwood Borough Council")
    (attachment,) = list(m.iter_attachments())
    assert attachment.get_filename() == "2023-10-12-update-form-probation.docx"
    assert attachment.get_content_type() == \
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    sent = attachment.get_content()
    ok(cli("--repo", repo, "update", "form", "2023-10-12", "probation", "-o", tmp_path / "form.docx",
           "--deadline", "2099-01-01"))
    assert sent == (tmp_path / "form.docx").read_bytes()  # the very form update form writes, intact
    form = read_document(tmp_path / "form.docx").blocks[2]
    assert [c.plain for c in form.rows[0]] == ["Organisation", "Leicestershire Probation Service"]

    vrn = message(drafts / "2023-10-12-chase-vrn.eml")
    assert vrn["To"] == "" and body(vrn).startswith("Dear Grace,")
    assert message(drafts / "2023-10-12-chase-turning-point.eml")["To"].addresses[0].addr_spec == \
        "charnwood.partners@turning-point.example.org"  # the organisation's address, the contact having none


def test_chase_records_the_request_and_the_list_shows_it(repo, cli, tmp_path):
    ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts"))
    updates = open_repo(repo).updates
    assert updates[(OCTOBER, "vrn")].requested == [TODAY]
    assert not updates[(OCTOBER, "vrn")].is_received
    assert (repo / "records/updates/2023-10-12/vrn.yaml").read_text(encoding="utf-8").endswith(
        f"subject: Violence Reduction Network update\nrequested:\n- {TODAY}\n")
    listing = json.loads(ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--format", "json")).out)
    states = {p["organisation_id"]: (p["state"], p["since"], p["address_known"]) for p in listing["partners"]}
    assert states["vrn"] == ("requested", f"asked {TODAY}", False)
    assert states["probation"] == ("requested", f"asked {TODAY}", True)
    assert states["lfrs"] == ("received", "", False)
    assert (listing["received"], listing["to_come"]) == (5, 5)
    # Asked again the same day: the same drafts, nothing more recorded.
    before = snapshot(repo)
    ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts"))
    assert snapshot(repo) == before


def test_a_partner_asked_but_not_yet_answered_is_not_printed_in_the_pack(repo, cli, tmp_path):
    """The request recorded by chasing makes a draft update for the partner: the pack must not
    print it as an empty report ("n/a" in every section) under Partner Updates."""
    ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts"))
    ok(cli("--repo", repo, "render", "pack", "2023-10-12", "--format", "md", "-o", tmp_path / "out"))
    pack = (tmp_path / "out" / "2023-10-12-agenda-pack.md").read_text(encoding="utf-8")
    assert "Violence Reduction Network update" not in pack  # the draft's subject
    assert "Fire" in pack  # a received update still is


def test_a_second_request_is_a_reminder(repo, cli, tmp_path):
    path = repo / "records/updates/2023-10-12/probation.yaml"
    path.write_text("meeting: 2023-10-12\norganisation: probation\nsubject: Probation update\nrequested:\n"
                    "- 2023-09-01\n", encoding="utf-8")
    ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts"))
    m = message(tmp_path / "drafts/2023-10-12-chase-probation.eml")
    assert m["Subject"].startswith("Reminder: Charnwood CSP partner update for 12 October 2023")
    assert "This is a reminder: we sent you the partner update form on 1st September 2023" in \
        body(m)
    assert open_repo(repo).updates[(OCTOBER, "probation")].requested == [dt.date(2023, 9, 1), TODAY]


def test_drafts_are_not_replaced_without_force_and_a_dry_run_writes_nothing(repo, cli, tmp_path):
    drafts = tmp_path / "drafts"
    before = snapshot(repo)
    r = ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", drafts, "--dry-run"))
    assert "would write records/updates/2023-10-12/vrn.yaml" in r.out and "+requested:" in r.out
    assert snapshot(repo) == before and not drafts.exists()
    drafts.mkdir()
    (drafts / "2023-10-12-chase-vrn.eml").write_text("the officer's own edits\n", encoding="utf-8")
    r = cli("--repo", repo, "update", "chase", "2023-10-12", "--email", drafts)
    assert (r.code, r.err) == (1, f"error: {drafts}/2023-10-12-chase-vrn.eml: already exists (use --force to "
                                  f"replace it)\n")
    assert snapshot(repo) == before  # nothing recorded either
    ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", drafts, "--force"))
    assert message(drafts / "2023-10-12-chase-vrn.eml")["X-Unsent"] == "1"


def test_contacts_yaml_mistakes_are_located_and_never_echo_an_address(repo, cli, tmp_path):
    (repo / "contacts.yaml").write_text("people:\n  maddie-clay: maddie.clay at probation\n  nobody-here: "
                                        "x@example.org\n", encoding="utf-8")
    r = cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts")
    assert r.code == 1
    assert r.err == ("contacts.yaml:2:16: people.maddie-clay: not an email address: write it as name@example.org, "
                     "nothing around it\n")
    (repo / "contacts.yaml").write_text("people:\n  nobody-here: x@example.org\n", encoding="utf-8")
    r = cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts")
    assert (r.code, r.err) == (1, "contacts.yaml:2:3: people.nobody-here: unknown person 'nobody-here' (not in "
                                  "records/people.yaml)\n")
    assert not (tmp_path / "drafts").exists()


def test_a_contacts_file_git_would_keep_is_warned_about(repo, cli, tmp_path):
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True, env=env)
    r = ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts"))
    assert "warning: contacts.yaml is not ignored by git: add it to .gitignore" in r.err
    (repo / ".gitignore").write_text("contacts.yaml\n", encoding="utf-8")
    r = ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts", "--force"))
    assert "not ignored by git" not in r.err


def test_cspkit_init_keeps_contacts_out_of_git(tmp_path, cli):
    ok(cli("init", tmp_path / "new", "--name", "New Partnership"))
    assert "contacts.yaml" in (tmp_path / "new/.gitignore").read_text(encoding="utf-8").splitlines()


# --------------------------------------------------------------------------- circulating the pack


def test_circulate_drafts_one_email_to_members_and_partners_with_the_pack(repo, cli, tmp_path):
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% the pack\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    out = tmp_path / "out"
    r = ok(cli("--repo", repo, "circulate", "2023-10-12", "--email", out, "--pdf", pdf))
    assert r.out.startswith(f"wrote {out}/2023-10-12-circulation.eml: to 2 member(s), copied to 1 partner(s), the "
                            f"pack attached (pack.pdf)")
    warning = r.err.splitlines()[0]
    assert warning.startswith("warning: no email address in contacts.yaml for ") and "Robert Kitson" in warning
    m = message(out / "2023-10-12-circulation.eml")
    assert m["X-Unsent"] == "1" and m["From"] == SENDER
    assert sorted(a.addr_spec for a in m["To"].addresses) == ["liz.blackshaw@charnwood.example.org",
                                                              "maddie.clay@probation.example.org"]
    assert [a.addr_spec for a in m["Cc"].addresses] == ["gurjit.samra-rai@lcc.example.org"]
    assert m["Subject"] == "Charnwood CSP: agenda pack for Thursday, 12th October 2023"
    assert "the agenda pack for the meeting of the Charnwood Community Safety Partnership on Thursday, 12th " \
           "October 2023 at 10am, Committee Room 1" in body(m)
    (attachment,) = list(m.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == ("pack.pdf", "application/pdf")
    assert attachment.get_content() == pdf.read_bytes()


def test_a_pack_over_the_limit_is_linked_not_attached(repo, cli, tmp_path):
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"0" * 30_000)
    config = repo / "cspkit.yaml"
    text = config.read_text(encoding="utf-8").replace("attach_limit_mb: 10", "attach_limit_mb: 0.01")
    config.write_text(text, encoding="utf-8")
    r = cli("--repo", repo, "circulate", "2023-10-12", "--email", tmp_path / "out", "--pdf", pdf)
    assert (r.code, r.err) == (1, "error: the pack is 0.0 MB, more than the 0.01 MB that is attached to an email: "
                                  "set email.pack_url in cspkit.yaml to link to it instead\n")
    config.write_text(text.replace("attach_limit_mb: 0.01", "attach_limit_mb: 0.01\n  pack_url: "
                                   "https://www.charnwood.example/csp/{date}/pack.pdf"), encoding="utf-8")
    r = ok(cli("--repo", repo, "circulate", "2023-10-12", "--email", tmp_path / "out", "--pdf", pdf))
    m = message(tmp_path / "out/2023-10-12-circulation.eml")
    assert list(m.iter_attachments()) == []
    assert "https://www.charnwood.example/csp/2023-10-12/pack.pdf" in body(m)


# --------------------------------------------------------------------------- nowhere else


def test_no_address_appears_in_any_rendering_listing_or_form(repo, cli, tmp_path):
    out = tmp_path / "out"
    texts: list[str] = []
    for audience in ("partners", "public"):
        ok(cli("--repo", repo, "render", "pack", "2023-10-12", "--format", "html,md", "-o", out / audience,
               "--audience", audience))
        ok(cli("--repo", repo, "render", "update", "2023-10-12", "lfrs", "--format", "html,md", "-o",
               out / audience, "--audience", audience))
    texts += [p.read_text(encoding="utf-8") for p in out.rglob("*") if p.suffix in (".html", ".md")]
    for fmt in ("table", "json", "csv"):
        texts.append(ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--format", fmt)).out)
        texts.append(ok(cli("--repo", repo, "actions", "list", "--format", fmt)).out)
    texts.append(cli("--repo", repo, "validate", "--format", "json").out)
    ok(cli("--repo", repo, "update", "chase", "2023-10-12", "--email", tmp_path / "drafts"))
    ok(cli("--repo", repo, "update", "form", "2023-10-12", "--all", "-o", out / "forms"))
    for form in (out / "forms").iterdir():
        texts.append("\n".join(b.plain for b in read_document(form).blocks if hasattr(b, "plain")))
        texts.append(form.read_bytes().decode("latin-1"))
    texts += [p.read_text(encoding="utf-8") for p in (repo / "records").rglob("*.yaml")]
    assert len(texts) > 20
    for text in texts:
        for address in ADDRESSES:
            assert address not in text
            assert address.split("@")[0] not in text  # not even the name part (maddie.clay …)
