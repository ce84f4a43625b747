"""The environment files agree with each other."""

import re
import tomllib

import yaml


def pins(requirements):
    return {r.split("==")[0].strip().lower().replace("_", "-"): r.split("==")[1].strip() for r in requirements if "==" in r}


def test_environment_yml_pins_equal_pyproject(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    declared = pins(project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra])
    environment = yaml.safe_load((repo_root / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in environment["dependencies"] if isinstance(d, dict))
    assert pins(pip_section) == declared


def test_lock_file_agrees_with_pyproject(repo_root):
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    declared = pins(project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra])
    locked = pins((repo_root / "requirements.lock").read_text().splitlines())
    for name, version in declared.items():
        assert locked.get(name) == version, f"{name}: pyproject {version}, lock {locked.get(name)}"


def test_changelog_covers_the_data_version(repo_root):
    import json
    package = json.loads((repo_root / "data" / "datapackage.json").read_text())
    versions = [entry["version"] for entry in package["changelog"]]
    assert versions[0] == package["version"], "add a changelog entry for the new data version"
    assert len(set(versions)) == len(versions)
    assert all(entry["changes"] for entry in package["changelog"])
