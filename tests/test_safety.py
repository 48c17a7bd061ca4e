"""Destructive commands are flagged before anything runs; ordinary ones are not."""

import pytest

from engine.safety import dangers


@pytest.mark.parametrize("command", [
    "rm -rf build", "sudo rm -r /var/cache/app", "ls | xargs rm -f", "rm --recursive old",
    "dd if=disk.img of=/dev/sdb bs=4M", "mkfs.ext4 /dev/sdb1", "shred -u secrets.txt",
    "git push --force origin main", "git push -f", "git push origin +main",
    "git push --force-with-lease", "git reset --hard HEAD~1", "git clean -fdx",
    "git checkout .", "git branch -D feature", "chmod -R 777 /srv", "chmod 777 deploy.sh",
    "sudo chown -R nobody /data", "find . -name '*.tmp' -delete", "kill -9 1234",
    "cat image > /dev/sda", ":(){ :|:& };:", "env FOO=1 rm -rf dist", "git status && rm -rf dist",
])
def test_destructive_commands_are_flagged(command):
    assert dangers(command), command


@pytest.mark.parametrize("command", [
    "ls -la", "git push -u origin main", "rm notes.txt", "chmod 644 notes.txt",
    "git status", "echo hi >> log.txt", "ls 2>/dev/null", "echo hi > brand-new-file.txt",
    "grep -rf patterns.txt src", "docker ps -a", 'echo "unbalanced',
])
def test_ordinary_commands_are_not(command, tmp_path):
    assert dangers(command, cwd=tmp_path) == []


def test_a_redirect_over_an_existing_file_is_flagged(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me")
    assert dangers("echo hi > notes.txt", cwd=tmp_path) == [
        "> overwrites the existing file notes.txt"]
    assert dangers("echo hi >> notes.txt", cwd=tmp_path) == []
    assert dangers("echo hi > other.txt", cwd=tmp_path) == []


def test_each_danger_is_named_in_words():
    assert dangers("chmod -R 777 .") == ["chmod -R changes a whole tree of files",
                                         "chmod 777 makes files writable by everyone"]
    assert dangers("git push --force") == ["git push --force rewrites the remote's history"]


def test_a_wrapper_alone_is_no_command():
    assert dangers("sudo ") == [] and dangers("env FOO=1 nohup") == []
