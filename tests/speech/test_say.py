"""``aulalocal say KIND ID [--lang] --out FILE``, end to end: files, speed, one-line errors."""

from __future__ import annotations

import subprocess
import sys
import wave

from aulalocal.catalog import userdata
from aulalocal.cli import main
from aulalocal.startup import open_data_folder
from aulalocal.speech.espeak import RATE_SETTING
from tests.conftest import REPO, SEEDS
from tests.speech.test_synthesis import spanish_only_data


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def seconds(path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()


def test_say_writes_an_mp3_in_quechua(capsys, seeded_dir, tmp_path):
    import miniaudio

    out = tmp_path / "articulo 183-B.mp3"
    code, stdout, err = run(capsys, "--data-dir", str(seeded_dir), "say", "legal_reference", "cp-183-b", "--lang", "qu", "--out", str(out))
    assert code == 0, err
    assert stdout.strip() == f"Saved: {out}"
    info = miniaudio.mp3_get_info(out.read_bytes())
    assert info.nchannels == 1 and 60 < info.duration < 240
    assert not list(tmp_path.glob("*.part"))


def test_say_uses_the_speed_chosen_in_the_app_unless_told(capsys, seeded_dir, tmp_path):
    folder = open_data_folder(seeded_dir)
    userdata.set_setting(folder.userdata, RATE_SETTING, "100")
    folder.close()
    args = ("--data-dir", str(seeded_dir), "say", "safety_guide")
    guide = sorted((SEEDS / "safety_guide").glob("*.json"))[0].stem
    assert run(capsys, *args, guide, "--out", str(tmp_path / "slow.wav"))[0] == 0
    assert run(capsys, *args, guide, "--rate", "200", "--out", str(tmp_path / "fast.wav"))[0] == 0
    assert seconds(tmp_path / "slow.wav") > 1.5 * seconds(tmp_path / "fast.wav")


def test_say_errors_are_one_line_and_write_nothing(capsys, seeded_dir, tmp_path):
    base = ("--data-dir", str(seeded_dir), "say", "legal_reference")
    code, _out, err = run(capsys, *base, "no-such-law", "--out", str(tmp_path / "x.mp3"))
    assert code == 1 and err == "error: No legal_reference with id 'no-such-law' in the catalog.\n"
    code, _out, err = run(capsys, *base, "cp-183-b", "--out", str(tmp_path / "x.ogg"))
    assert code == 2 and err.startswith("error: Unknown audio format '.ogg'") and err.count("\n") == 1
    out = tmp_path / "out"
    out.mkdir()
    (out / "a-file").write_text("not a folder")
    code, _out, err = run(capsys, *base, "cp-183-b", "--out", str(out / "a-file" / "x.wav"))
    assert code == 1 and err.startswith("error: The audio file could not be saved as") and err.count("\n") == 1
    assert [p.name for p in out.iterdir()] == ["a-file"] and not (tmp_path / "x.mp3").exists()


SAY_WITHOUT_QUECHUA_VOICE = """
import sys
import espeakng_loader
espeakng_loader.get_data_path = lambda: sys.argv[1]
from aulalocal.cli import main
sys.exit(main(sys.argv[2:]))
"""


def test_say_with_a_missing_voice_explains_and_writes_nothing(seeded_dir, tmp_path):
    out = tmp_path / "out.mp3"
    data = spanish_only_data(tmp_path / "es-only")
    command = [sys.executable, "-c", SAY_WITHOUT_QUECHUA_VOICE, str(data), "--data-dir", str(seeded_dir), "say", "legal_reference", "cp-183-b", "--out", str(out)]
    result = subprocess.run([*command, "--lang", "qu"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("error: ") and "Runasimi" in lines[-1] and "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))
    # The Spanish voice is there: Spanish works.
    result = subprocess.run([*command, "--lang", "es"], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10000
