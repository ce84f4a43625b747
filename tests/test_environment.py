"""The environment files agree with each other."""

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
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


# --- The venv check that `make` runs before each command (src/microwork/venvcheck.py) ---
# Detection is tested on a site-packages folder made by hand (milliseconds); healing once in a small real venv
# (a few seconds: ensurepip, then two offline pip installs of a wheel made here). Breaking the book's own .venv
# would mean reinstalling its real packages, which is what `make` itself shows (see the README).

def dist(site, name="Demo", version="1.0", package="demo"):
    """A distribution installed by hand in ``site``: ``package/__init__.py`` and its dist-info with a RECORD."""
    (site / package).mkdir(parents=True, exist_ok=True)
    (site / package / "__init__.py").write_text("")
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nA description.\n")
    files = [f"{package}/__init__.py", f"{package}/__pycache__/__init__.cpython-311.pyc", f"{info.name}/METADATA",
             f"{info.name}/RECORD"]
    (info / "RECORD").write_text("".join(f"{path},,\n" for path in files))
    return info


def test_venv_check_finds_what_is_missing_broken_or_changed(tmp_path):
    from microwork.venvcheck import Pin, problems, read_lock

    site = tmp_path / "site-packages"
    dist(site)
    dist(site, "Jinja2", "3.1.6", "jinja2")
    lock = tmp_path / "requirements.lock"
    lock.write_text('# comment\ndemo==1.0\njinja_2==3.1.6  # spelled otherwise\nold==1.0 ; python_version < "3"\n'
                    'new==1.0 ; python_version >= "3.11" and python_version != "2.7"\n'
                    'odd==1.0 ; sys_platform == "win32"\n')
    pins = read_lock(lock, python=(3, 12))
    assert [(pin.name, pin.version, pin.install) for pin in pins] == [
        ("demo", "1.0", ("demo==1.0",)), ("jinja-2", "3.1.6", ("jinja_2==3.1.6",)), ("new", "1.0", ("new==1.0",))]
    jinja = Pin("jinja2", "3.1.6", ("Jinja2==3.1.6",))
    assert problems([pins[0], jinja], [site, tmp_path / "absent"]) == []
    assert [(p.pin.name, p.reason) for p in problems(pins, [site])] == [("jinja-2", "not installed"),
                                                                         ("new", "not installed")]
    shutil.rmtree(site / "demo")
    assert [p.reason for p in problems([pins[0]], [site])] == ["1 of its 3 files missing"]  # __pycache__ aside
    assert [p.reason for p in problems([Pin("jinja2", "3.2.0", ())], [site])] == ["3.1.6 installed, 3.2.0 pinned"]
    (site / "Jinja2-3.1.6.dist-info" / "RECORD").unlink()
    assert [p.reason for p in problems([jinja], [site])] == ["1 of its 1 files missing"]


def test_the_venv_running_the_tests_matches_the_lock(repo_root):
    from microwork.venvcheck import editable_pin, problems, read_lock

    if Path(sys.prefix).resolve() != (repo_root / ".venv").resolve():
        pytest.skip("not run from the book's .venv (make test)")
    pins = read_lock(repo_root / "requirements.lock") + [editable_pin("microwork=.")]
    assert [f"{p.pin.name}: {p.reason}" for p in problems(pins, sys.path)] == []


def wheel(folder, name="demo", version="1.0"):
    """A wheel of a one-module package, made here (for pip to install without any index)."""
    info = f"{name}-{version}.dist-info"
    files = {f"{name}/__init__.py": b"VALUE = 42\n",
             f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode(),
             f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = "".join(f"{path},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},"
                     f"{len(data)}\n" for path, data in files.items()) + f"{info}/RECORD,,\n"
    path = folder / f"{name}-{version}-py3-none-any.whl"
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in [*files.items(), (f"{info}/RECORD", record.encode())]:
            archive.writestr(member, data)
    return path


@pytest.mark.venv
def test_make_heals_a_venv_whose_package_was_deleted(repo_root, tmp_path):
    venv, wheels = tmp_path / "venv", tmp_path / "wheels"
    wheel(wheels)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    offline = {**os.environ, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels), "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "demo==1.0"], check=True, env=offline)
    lock = tmp_path / "requirements.lock"
    lock.write_text("demo==1.0\n")
    check = [str(python), "-I", str(repo_root / "src" / "microwork" / "venvcheck.py"), "--heal", str(lock)]
    sound = subprocess.run(check, capture_output=True, text=True, env=offline, cwd=tmp_path)
    assert (sound.returncode, sound.stdout, sound.stderr) == (0, "", "")
    site = next(venv.glob("lib/python3.*/site-packages"))
    shutil.rmtree(site / "demo")  # as `rm -rf .venv/lib/python3.11/site-packages/altair`
    healed = subprocess.run(check, capture_output=True, text=True, env=offline, cwd=tmp_path)
    assert healed.returncode == 0, healed.stdout + healed.stderr
    assert re.fullmatch(rf"\[microwork\] venv does not match {re.escape(str(lock))}: demo \(1 of its \d+ files "
                        r"missing\); reinstalling 1 package from it\n", healed.stdout), healed.stdout
    assert subprocess.run([str(python), "-c", "import demo; print(demo.VALUE)"], capture_output=True,
                          text=True).stdout == "42\n"
    again = subprocess.run(check, capture_output=True, text=True, env=offline, cwd=tmp_path)
    assert (again.returncode, again.stdout) == (0, "")


def test_make_checks_the_venv_before_each_command(repo_root):
    makefile = (repo_root / "Makefile").read_text()
    assert "venvcheck.py --heal" in makefile
    for target in ("book", "test", "reproduce", "check", "pdf", "snapshots"):
        assert re.search(rf"^{target}:.*\bvenv\b", makefile, re.MULTILINE), target
