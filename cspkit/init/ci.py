"""CI for a records repository: the GitHub Actions workflow ``cspkit init`` writes.

On every push and pull request it validates the records (problems become annotations on
the lines at fault), checks the canonical layout, renders the next agenda pack and keeps
it as a downloadable artifact. On a pull request it also posts ``cspkit diff --format md``
as a comment, so reviewers read "action 2023-07-13/11.1 closed" rather than YAML.

The ``site`` job is opt-in. A records repository holds personal and restricted data and stays
private; the public website built from it (``cspkit site build``: the public audience only)
is published somewhere else. With the repository variable ``SITE_REPOSITORY`` set (the
``owner/name`` of a public repository whose GitHub Pages serves its ``gh-pages`` branch) and
the secret ``SITE_DEPLOY_KEY`` (a deploy key with write access to that repository), every
push to the default branch that passes the checks rebuilds the site and replaces that
branch. The built site is also kept as an artifact (``public-site``) for any other static
host. Without the variable the job is skipped.

Pre-commit users get the same checks from this repository's ``.pre-commit-hooks.yaml``.
"""

from __future__ import annotations

from cspkit import __version__

WORKFLOW_PATH = ".github/workflows/cspkit.yml"

# ${{ }} expressions are passed to shell steps through env, never pasted into the script.
_WORKFLOW = """\
# Checks the records on every push and pull request (written by cspkit init).
name: cspkit

on:
  push:
  pull_request:

permissions:
  contents: read
  pull-requests: write

jobs:
  records:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # cspkit diff compares with the base branch
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install cspkit
        run: python -m pip install "cspkit=={version}"
      - name: Validate the records
        run: cspkit validate --format github
      - name: Check the layout (fix with cspkit fmt)
        run: cspkit fmt --check
      # What a public repository shows, anyone can read: its artifacts and comments are for the
      # public audience (nothing restricted); a private repository's are for the partners.
      - name: Render the next agenda pack
        env:
          AUDIENCE: ${{{{ github.event.repository.private && 'partners' || 'public' }}}}
        run: cspkit render pack next --format pdf --audience "$AUDIENCE" -o build/
      - uses: actions/upload-artifact@v4
        with:
          name: next-agenda-pack
          path: build/
          if-no-files-found: warn
      # The summary and the comment run even when a check above failed: reviewers want both.
      - name: Summarise the change for reviewers
        if: ${{{{ !cancelled() && github.event_name == 'pull_request' }}}}
        env:
          BASE_REF: ${{{{ github.base_ref }}}}
          AUDIENCE: ${{{{ github.event.repository.private && 'partners' || 'public' }}}}
        run: |
          cspkit diff "origin/$BASE_REF" HEAD --format md --audience "$AUDIENCE" > "$RUNNER_TEMP/cspkit-diff.md"
          cat "$RUNNER_TEMP/cspkit-diff.md" >> "$GITHUB_STEP_SUMMARY"
      - name: Comment on the pull request
        # A pull request from a fork gets a read-only token: the summary above still shows.
        if: >-
          ${{{{ !cancelled() && github.event_name == 'pull_request' &&
          github.event.pull_request.head.repo.full_name == github.repository }}}}
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          PR: ${{{{ github.event.pull_request.number }}}}
        run: |
          gh pr comment "$PR" --edit-last --body-file "$RUNNER_TEMP/cspkit-diff.md" \\
            || gh pr comment "$PR" --body-file "$RUNNER_TEMP/cspkit-diff.md"

  # Opt-in: the public website, published outside this (private) repository. Set the variable
  # SITE_REPOSITORY (owner/name of a public repository serving its gh-pages branch with GitHub
  # Pages) and the secret SITE_DEPLOY_KEY (a deploy key with write access to it).
  site:
    needs: records
    if: >-
      ${{{{ github.event_name == 'push' && vars.SITE_REPOSITORY != '' &&
      github.ref == format('refs/heads/{{0}}', github.event.repository.default_branch) }}}}
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install cspkit
        run: python -m pip install "cspkit=={version}"
      - name: Build the public website (nothing restricted goes in)
        run: cspkit site build -o build/site
      - uses: actions/upload-artifact@v4
        with:
          name: public-site
          path: build/site/
      - name: Publish it to the public repository's gh-pages branch
        env:
          SITE_REPOSITORY: ${{{{ vars.SITE_REPOSITORY }}}}
          SITE_DEPLOY_KEY: ${{{{ secrets.SITE_DEPLOY_KEY }}}}
        run: |
          key="$RUNNER_TEMP/site-deploy-key"
          printf '%s\\n' "$SITE_DEPLOY_KEY" > "$key"
          chmod 600 "$key"
          export GIT_SSH_COMMAND="ssh -i $key -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new"
          cd build/site
          rm -f .site-manifest.json  # the build's own bookkeeping
          touch .nojekyll            # serve the files as they are
          git init -q -b gh-pages
          git add -A
          git -c user.name="Website publisher" -c user.email="publisher@invalid" \\
            commit -q -m "The public record, built $(date -u +%Y-%m-%d)"
          git push -q --force "git@github.com:$SITE_REPOSITORY.git" gh-pages
          rm -f "$key"
"""


def github_workflow(version: str = __version__) -> str:
    """The text of ``.github/workflows/cspkit.yml`` (installs this version of cspkit)."""
    return _WORKFLOW.format(version=version)


def ci_files() -> dict[str, str]:
    """Files ``cspkit init`` writes for CI: path -> text."""
    return {WORKFLOW_PATH: github_workflow()}
