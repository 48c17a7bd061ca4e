"""Concrete bash commands from the tldr-pages corpus: the source of all training and test data.

``../shared/corpus/tldr-commands.jsonl`` holds 30,479 real example commands written as tldr
templates (``tar xf {{path/to/source.tar[.gz|.bz2]}} {{[-C|--directory]}} {{path/to/directory}}``).
Dictation data needs the commands a person would actually type, so this module fills every
placeholder with a value that looks like what a developer types (``notes.txt``, ``~/projects/api``,
``192.168.1.10``, ``feature/login``), picks one spelling of each option, and does it
deterministically: the same (seed, template) always gives the same command, on any machine and
Python version (seeds come from hashlib, never from ``hash()``).

``page_split`` is the one place that decides which tldr pages are test pages; every dataset in
the project uses it, so no page's commands ever appear in both training and test data.

Values are plain printable ASCII, mostly lower-case, and bring no word of the spoken protocol
(``processor.vocabulary.PROTOCOL_WORDS``) of their own: a file is never called ``one.txt``.
Placeholders that hold code, prose or a concrete example rather than a description
(``{{echo "hi"}}``, ``{{SIGHUP}}``, ``{{red}}``) are kept as written, since tldr's own examples
are realistic values; example numbers, IPs, URLs and domains are varied half of the time.
Rows that still hold ``{{``/``}}`` after filling (real Go templates and JSON, which tldr writes
escaped) or non-ASCII text are left out by ``commands`` and counted (``skip_reason``).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from processor.vocabulary import PROTOCOL_WORDS

CORPUS_PATH = Path(
    os.environ.get("DICTBASH_CORPUS")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "tldr-commands.jsonl"
)
"""The corpus file: ``$DICTBASH_CORPUS`` if set, else ``<repo root>/../shared/corpus/...``."""

TEST_SHARE = 0.20
"""Share of tldr pages that ``page_split`` puts in the test split."""


@dataclass(frozen=True)
class Example:
    """One corpus row; ``template`` is tldr's command with its ``{{...}}`` placeholders."""

    page: str
    platform: str
    description: str
    template: str


def load_examples(path: str | os.PathLike | None = None) -> list[Example]:
    """Read the corpus JSONL (``CORPUS_PATH`` unless ``path`` is given)."""
    path = Path(path) if path is not None else CORPUS_PATH
    if not path.is_file():
        raise FileNotFoundError(
            f"tldr corpus not found at {path}; set DICTBASH_CORPUS to the path of "
            "tldr-commands.jsonl to read it from elsewhere"
        )
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [Example(r["page"], r["platform"], r["description"], r["command"]) for r in rows]


# --------------------------------------------------------------------------------------------
# Value pools. Every value is ASCII and free of protocol words (tests/test_corpus.py checks).

_FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # family: (extensions, file stems, directories)
    "image": (
        ("png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "tif", "tiff", "ico", "ppm", "pnm",
         "pbm", "pgm", "pam", "xpm", "tga", "avif", "heic", "psd", "xcf"),
        ("photo", "logo", "screenshot", "scan_01", "diagram", "avatar", "banner", "IMG_2041",
         "cover", "icon", "chart", "wallpaper", "holiday_2023"),
        ("~/Pictures", "assets/img", "images", "static/icons", "~/Desktop", "screenshots"),
    ),
    "doc": (
        ("pdf", "txt", "md", "tex", "doc", "docx", "odt", "rtf", "epub", "html", "htm", "rst",
         "org", "ps", "adoc", "roff", "mobi", "djvu"),
        ("report", "notes", "README", "thesis", "invoice_2024", "todo", "draft_v2", "manual",
         "letter", "CHANGELOG", "resume", "summary", "meeting-notes", "paper"),
        ("~/Documents", "docs", "~/Downloads", "notes", "papers"),
    ),
    "code": (
        ("py", "js", "ts", "jsx", "tsx", "c", "h", "cc", "cpp", "hpp", "go", "rs", "java", "rb",
         "php", "sh", "bash", "zsh", "fish", "pl", "lua", "kt", "swift", "cs", "hs", "ml", "ex",
         "scala", "r", "m", "nim", "zig", "dart", "clj", "el", "v", "s", "cu", "sol", "coffee",
         "ino", "css", "scss", "vue", "ps1", "rkt", "nix", "f90", "ll", "bc", "o", "so", "a"),
        ("main", "app", "utils", "server", "test_api", "setup", "index", "parser", "helpers",
         "cli", "hello", "install", "deploy", "client", "game"),
        ("src", "lib", "scripts", "tests", "cmd/server", "~/projects/api", "src/utils"),
    ),
    "data": (
        ("json", "jsonl", "csv", "tsv", "yaml", "yml", "xml", "toml", "ini", "conf", "cfg",
         "env", "db", "sqlite", "sqlite3", "parquet", "log", "properties", "plist", "sql",
         "geojson", "json5", "lock", "pcap", "pcapng", "dat", "bin", "dump", "hcl", "tfvars"),
        ("data", "config", "users", "results", "settings", "package", "inventory", "export",
         "metrics", "schema", "sample", "customers", "prices", "app", "server", "events"),
        ("data", "config", "/etc/myapp", "~/.config/app", "fixtures", "/var/log", "exports"),
    ),
    "archive": (
        ("zip", "tar", "tar.gz", "tgz", "tar.bz2", "tar.xz", "txz", "gz", "bz2", "xz", "7z",
         "rar", "zst", "tar.zst", "lz", "lzma", "zpaq", "deb", "rpm", "apk", "jar", "whl",
         "iso", "img", "dmg", "qcow2", "vmdk", "ova", "cpio", "pkg", "msi", "exe"),
        ("backup", "release_v1.2", "project", "logs", "photos", "site", "dist", "source",
         "debian-12", "ubuntu-22.04", "website", "backup_2024-05-01", "firmware"),
        ("~/Downloads", "backups", "/tmp", "dist", "/mnt/backup", "~/isos"),
    ),
    "media": (
        ("mp3", "wav", "flac", "ogg", "m4a", "aac", "opus", "mid", "midi", "m4b", "mp4", "mkv",
         "webm", "avi", "mov", "srt", "vtt", "ac3", "h264", "yuv", "cue"),
        ("song", "podcast_ep12", "recording", "interview", "clip", "movie", "lecture_03",
         "voice_memo", "trailer", "intro", "track01", "holiday"),
        ("~/Music", "~/Videos", "recordings", "media", "~/Movies"),
    ),
    "key": (
        ("pem", "key", "crt", "cer", "csr", "der", "pub", "gpg", "asc", "p12", "pfx", "sig",
         "keystore", "age", "ovpn"),
        ("server", "cert", "client", "ca", "id_ed25519", "private", "signing", "deploy_key",
         "localhost", "release"),
        ("~/.ssh", "certs", "/etc/ssl/private", "keys", "~/.gnupg"),
    ),
}
_EXT_FAMILY = {ext: family for family, (exts, _, _) in _FAMILIES.items() for ext in exts}
_GENERIC_STEMS = ("input", "output", "sample", "test", "data", "example", "file_01", "result",
                  "demo", "out")
_GENERIC_FILE_WORDS = frozenset({"file", "files", "path", "filename", "input", "output",
                                 "source", "target", "dest", "destination", "or", "directory",
                                 "some", "specific", "x", "y", "new", "old", "my"})
_GENERIC_DIRS = ("src", "data", "~/Downloads", "/tmp", "~/projects/website", "build", "docs")

# Words of a placeholder that say what kind of file it is, and the extensions that kind has.
_WORD_EXTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("image", "picture", "photo", "img", "icon", "screenshot", "bitmap"),
                    ("png", "jpg", "jpeg", "gif", "svg", "webp")),
    **dict.fromkeys(("document", "doc", "text", "book", "readme"), ("pdf", "txt", "md", "docx")),
    **dict.fromkeys(("script",), ("sh", "py", "js", "rb")),
    **dict.fromkeys(("source", "code", "program", "module", "class", "test"),
                    ("c", "py", "go", "rs", "js", "cpp", "java")),
    **dict.fromkeys(("config", "configuration", "conf", "settings", "manifest", "spec"),
                    ("yaml", "json", "conf", "toml", "ini")),
    **dict.fromkeys(("database", "db"), ("db", "sqlite", "sql")),
    **dict.fromkeys(("data", "schema"), ("json", "csv", "xml", "yaml")),
    **dict.fromkeys(("log", "logs", "journal"), ("log",)),
    **dict.fromkeys(("dump", "backup"), ("sql", "dump", "tar.gz", "bak")),
    **dict.fromkeys(("capture", "pcap", "traffic"), ("pcap",)),
    **dict.fromkeys(("archive", "tarball", "compressed"), ("tar.gz", "zip", "7z", "tar.xz")),
    **dict.fromkeys(("package",), ("deb", "rpm", "whl", "tar.gz")),
    **dict.fromkeys(("audio", "sound", "music", "song", "recording"),
                    ("mp3", "wav", "flac", "ogg")),
    **dict.fromkeys(("video", "movie", "media"), ("mp4", "mkv", "webm", "mov")),
    **dict.fromkeys(("subtitle", "subtitles"), ("srt", "vtt")),
    **dict.fromkeys(("key", "keyfile", "private"), ("pem", "key")),
    **dict.fromkeys(("cert", "certificate"), ("pem", "crt")),
    **dict.fromkeys(("pubkey", "public"), ("pub", "pem")),
    **dict.fromkeys(("signature", "gpg", "keyring"), ("gpg", "asc", "sig")),
}

_FILES = ("notes.txt", "src/main.py", "~/Downloads/report.pdf", "config.yaml", "backup.tar.gz",
          "README.md", "app.log", "data.csv", "index.html", "package.json", "main.c",
          "docs/setup.md", "/etc/hosts", "~/.bashrc", "script.sh", "todo.txt", "photo.jpg",
          "Makefile", "Dockerfile", "/var/log/syslog", "src/app.js", "results.json",
          "/etc/nginx/nginx.conf", "test_utils.py", ".env", "~/.ssh/config", "requirements.txt")
_DIRS = ("src", "build", "dist", "docs", "~/projects/website", "~/Downloads", "/var/log",
         "/tmp/cache", "/etc/nginx", "~/.config", "/mnt/data", "/srv/www", "data/raw",
         "~/backups", "node_modules", "assets", "./out", "/opt/app", "~/Documents/work",
         "tests", "logs", "~/code/dotfiles", "public", "lib", "/usr/local/bin", "target")
_MOUNT_DIRS = ("/mnt/usb", "/mnt/data", "/media/usb", "/mnt/backup", "/mnt/iso", "/media/disk")
_REPO_DIRS = ("~/projects/api", "~/code/dotfiles", "my-project", "~/src/website", "webapp",
              "~/work/backend", ".")
_BINARIES = ("./build/app", "/usr/local/bin/mytool", "./a.out", "bin/server",
             "target/release/cli", "./main", "/usr/bin/python3", "dist/app")
_SOCKETS = ("/var/run/docker.sock", "/tmp/app.sock", "/run/mysqld/mysqld.sock")
_EXTS = ("txt", "py", "md", "json", "log", "csv", "jpg", "png", "pdf", "sh", "js", "yaml")

_POOLS: dict[str, tuple[str, ...]] = {
    "disk": ("/dev/sdb", "/dev/sdc", "/dev/sda", "/dev/nvme0n1", "/dev/mmcblk0"),
    "partition": ("/dev/sdb1", "/dev/sda2", "/dev/sdc1", "/dev/nvme0n1p1", "/dev/mmcblk0p1"),
    "git_url": ("https://github.com/octocat/hello-world.git", "git@github.com:alice/dotfiles.git",
                "https://gitlab.com/acme/api.git", "https://github.com/torvalds/linux.git"),
    "uid": ("1000", "1001", "0", "33", "501", "65534"),
    "url": ("https://example.com/data.json", "https://github.com/octocat/hello-world.git",
            "http://localhost:8080/api/health", "https://api.example.org/v1/users",
            "https://cdn.example.net/files/setup.sh", "https://example.com",
            "https://www.wikipedia.org", "http://192.168.1.20:3000", "https://example.com/login",
            "https://releases.example.io/v2.1/app.tar.gz", "https://httpbin.org/get",
            "https://raw.githubusercontent.com/user/repo/main/install.sh"),
    "domain": ("example.com", "github.com", "api.example.org", "mail.example.net", "google.com",
               "example.org", "mysite.dev", "docs.python.org", "corp.local", "shop.example.io"),
    "ip": ("192.168.1.10", "10.0.0.1", "192.168.0.42", "172.16.5.4", "10.1.2.3", "8.8.8.8",
           "192.168.1.1", "127.0.0.1", "10.0.0.25", "1.1.1.1", "192.168.178.20"),
    "subnet": ("192.168.1.0/24", "10.0.0.0/8", "172.16.0.0/16", "10.10.0.0/24"),
    "host": ("server1", "web01.example.com", "192.168.1.10", "db.internal", "raspberrypi.local",
             "localhost", "build-box", "10.0.0.5", "nas.lan", "prod-api-3", "devbox"),
    "port": ("8080", "443", "3000", "22", "5432", "8000", "80", "9000", "6379", "27017",
             "8443", "5000", "2222", "3306"),
    "mac": ("00:1a:2b:3c:4d:5e", "a4:5e:60:d2:19:0b", "3c:22:fb:7a:11:9e"),
    "uuid": ("3f2b6c1e-8a4d-4e2f-9b7a-1c2d3e4f5a6b", "0b7e9c52-5d1f-4c3a-8e6b-2a9f1d4c7e30"),
    "email": ("alice@example.com", "dev@company.io", "john.doe@gmail.com", "ops@example.org",
              "bob.smith@mail.com", "me@mysite.dev"),
    "phone": ("+15551234567", "+447700900123", "+4915112345678"),
    "user": ("alice", "bob", "admin", "deploy", "jdoe", "root", "www-data", "ubuntu", "git",
             "postgres", "mike_w", "sarah.k", "dev", "ci-bot", "maria", "tom"),
    "group": ("developers", "docker", "wheel", "staff", "admins", "www-data", "audio", "sudo"),
    "resource_group": ("my-rg", "rg-prod", "rg-webapp-dev", "myResourceGroup"),
    "volume_group": ("vg0", "ubuntu-vg", "vg_data", "storage"),
    "logical_volume": ("lv_root", "data", "home", "lv_backup", "swap"),
    "repository": ("dotfiles", "website", "hello-world", "api-server", "my-repo", "infra",
                   "blog", "linux"),
    "project": ("my-project", "website", "api", "demo-app", "backend", "shop", "portfolio"),
    "organization": ("acme", "my-org", "acme-corp", "octo-org", "example-inc", "mycompany"),
    "profile": ("default", "work", "personal", "dev", "prod", "staging"),
    "script": ("build", "test", "start", "lint", "dev", "deploy", "format", "serve"),
    "shell": ("bash", "zsh", "fish", "sh"),
    "filesystem": ("ext4", "btrfs", "xfs", "vfat", "ntfs", "exfat"),
    "ssid": ("HomeWiFi", "CoffeeShop_Guest", "MyNetwork-5G", "office-wifi", "eduroam"),
    "coordinate": ("52.52", "13.405", "48.8566", "2.3522", "40.7128", "-74.006"),
    "delimiter": (",", ":"),
    "arn": ("arn:aws:iam::123456789012:role/my-role", "arn:aws:s3:::my-bucket",
            "arn:aws:sns:us-east-1:123456789012:alerts"),
    "encoding": ("utf-8", "latin1", "ascii", "utf-16", "iso-8859-1"),
    "password": ("hunter2", "s3cr3t", "P4ssw0rd", "letmein", "changeme", "Tr0ub4dor", "qwerty123",
                 "correct-horse-battery"),
    "token": ("ghp_4f8K2xQz9LmN7vB1", "abc123def456", "sk-test-9f8e7d6c", "eyJhbGciOi",
              "glpat-x7Yq2Lk9", "tok_51HxQ2aB"),
    "package": ("requests", "numpy", "express", "lodash", "curl", "htop", "vim", "nginx", "jq",
                "ripgrep", "react", "flask", "python3", "nodejs", "tmux", "git", "neovim",
                "typescript", "pandas", "openssl", "ffmpeg", "docker", "wget", "black"),
    "branch": ("main", "develop", "feature/login", "fix/typo", "release/v2.1", "master",
               "hotfix/crash-on-start", "dev", "bugfix/issue-42", "feature/dark-mode",
               "staging", "wip"),
    "commit": ("a1b2c3d", "HEAD~2", "3f9e2b1", "HEAD", "e83c516", "9fceb02", "HEAD~1",
               "d6cd1e2bd19e03a81132a23b2025920577f84e37", "4b825dc", "c0ffee1", "HEAD^"),
    "tag": ("v1.0.0", "v2.3.1", "latest", "release-2024", "v0.9", "1.4", "stable", "v3.0.0-rc1",
            "22.04", "3.12-slim"),
    "remote": ("origin", "upstream", "fork", "github", "backup"),
    "container": ("web", "db", "redis", "my-nginx", "api_1", "postgres", "app", "worker",
                  "frontend", "mongo"),
    "image": ("nginx", "ubuntu", "python", "postgres", "node", "redis", "alpine", "myapp",
              "ghcr.io/org/api", "debian", "busybox", "mysql"),
    "pod": ("web-7d4b9c-x2k8p", "api-5f6d8b-q9w2e", "redis-0", "nginx-deployment-66b6c48dd5",
            "worker-1"),
    "namespace": ("default", "kube-system", "staging", "production", "monitoring", "dev"),
    "database": ("mydb", "app_production", "inventory", "blog", "test_db", "analytics", "shop"),
    "table": ("users", "orders", "events", "products", "customers", "sessions", "logs"),
    "service": ("nginx", "sshd", "docker", "postgresql", "nginx.service", "cron", "bluetooth",
                "apache2", "redis-server", "networkmanager", "ssh.service"),
    "process": ("firefox", "node", "python3", "nginx", "chrome", "java", "vim", "code", "slack",
                "spotify", "zsh"),
    "command": ("ls -la", "make", "npm test", "git status", "df -h", "python3 app.py", "uptime",
                "date", "echo hello", "cargo build", "npm run build", "ls", "make test",
                "cat /etc/hosts", "docker ps", "whoami"),
    "subcommand": ("status", "list", "init", "build", "show", "info", "run", "update"),
    "args": ("--verbose", "input.txt", "-n 5", "--help", "-v", "--dry-run", "data.csv",
             "--port 8080", "-x", "--force"),
    "variable": ("PATH", "HOME", "NODE_ENV", "EDITOR", "DEBUG", "my_var", "LANG", "API_URL",
                 "JAVA_HOME", "PORT", "count", "name"),
    "environment": ("production", "staging", "dev", "test", "prod", "local", "qa"),
    "key": ("user.email", "color.ui", "name", "version", "editor", "timeout", "app.port",
            "core.editor", "theme", "log_level", "db_host", "max_size"),
    "value": ("true", "false", "42", "production", "vim", "enabled", "1", "debug", "dark",
              "8080", "yes", "utf-8", "100", "off"),
    "text": ("fix login bug", "initial commit", "update readme", "add tests for parser",
             "bump version", "refactor auth module", "hello world", "deploy to staging",
             "remove unused imports", "update dependencies", "good morning", "build passed",
             "meeting moved to friday", "backup done", "fix typo in docs",
             "release notes for v2", "server is down", "lunch is ready"),
    "word": ("hello", "todo", "test", "done", "draft", "urgent", "release", "fixme", "ok",
             "backup", "welcome", "update"),
    "pattern": ("TODO", "error", "main", "import", "foo", "warning", "localhost", "def", "fixme",
                "config", "user", "http"),
    "regex": ("^import", "foo.*bar", "[0-9]+", "error|warning", "^#", "TODO:", "def main",
              "\\.py$", "^[a-z]+$", "fail(ed|ure)", "user_[0-9]+", "^$"),
    "date": ("2024-03-15", "2023-12-01", "2024-01-01", "2025-06-30", "2023-07-04", "yesterday",
             "2024-11-22", "today"),
    "time": ("12:30", "08:00", "23:59", "09:15:00", "18:45", "06:00"),
    "timezone": ("UTC", "Europe/Berlin", "America/Chicago", "Asia/Tokyo", "Europe/London"),
    "version": ("1.2.3", "3.11", "18", "2.0.1", "20.11.0", "0.9.4", "3.12", "1.21", "5.4.0",
                "14", "2.7.18", "latest"),
    "region": ("us-east-1", "eu-west-1", "us-central1", "westeurope", "ap-southeast-2",
               "eu-central-1", "us-west-2"),
    "color": ("red", "blue", "green", "yellow", "black", "white", "cyan", "magenta", "gray",
              "orange"),
    "language": ("en", "de", "fr", "es", "ja", "it", "pt", "en_US"),
    "format": ("json", "csv", "yaml", "png", "pdf", "html", "txt", "xml", "markdown", "svg"),
    "interface": ("eth0", "wlan0", "enp3s0", "wlp2s0", "lo", "docker0", "en0", "eth1"),
    "id": ("42", "1001", "a1b2c3d4", "7", "12345", "3AA5C34371567BD2", "98", "550", "f00d42",
           "2024"),
    "pid": ("1234", "4821", "31337", "9876", "2048", "777", "15012"),
    "name": ("myapp", "web", "demo", "backend", "api", "my-project", "dev", "test-env", "blog",
             "frontend", "website", "worker", "prod", "sandbox", "hello"),
}
_NUMBERS = {
    "count": ("3", "5", "10", "20", "2", "42", "100", "8", "1", "50", "4", "12"),
    "duration": ("5", "10", "30", "60", "120", "2", "3", "15", "300", "1"),
    "dimension": ("640", "800", "1024", "1920", "1080", "480", "256", "720", "128", "300"),
    "percent": ("50", "75", "80", "90", "25", "100", "60"),
    "size": ("10G", "512M", "100M", "2G", "1024", "4096", "1G", "64M", "20G", "500K"),
}

# Single words that describe a value (``{{target}}``) rather than give one (``{{red}}``): such
# a placeholder gets a name built from its own words.
_NOUNS = frozenset("""
    target type source destination prefix code toolchain property registry platform label topic
    option resource template printer node alias playbook provider instance config
    function object protocol operation share sharename role section stream channel algorithm
    component model method realm fingerprint vmid programmer task vendor cookie context brokers
    bucket cluster queue volume snapshot deployment workflow job session network
    bridge storage pool identity secret_name field column handle room workspace site theme
    layout board vm domainname issue
""".split())

# Placeholder words -> category, first match wins (order is priority).
_KEYWORDS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (category, frozenset(words.split())) for category, words in (
        ("phone", "phone telephone"),
        ("email", "email"),
        ("mac", "mac"),
        ("uuid", "uuid guid"),
        ("git_url", "repository_url repo_url git_url remote_url clone_url"),
        ("url", "url uri urls webhook endpoint"),
        ("subnet", "subnet cidr"),
        ("ip", "ip ipv4 ipaddr ip_address address addresses"),
        ("port", "port ports"),
        ("pid", "pid pids"),
        ("uid", "uid gid uids gids"),
        ("id", "id ids identifier"),
        ("host", "host hostname hosts nodename server servers remote_host"),
        ("domain", "domain domains fqdn"),
        ("extension", "extension extensions ext"),
        ("interface", "interface iface nic"),
        ("filesystem", "filesystem fstype"),
        ("device", "device disk drive partition"),
        ("password", "password passwd passphrase secret pass pin"),
        ("token", "token apikey"),
        ("resource_group", "resource_group"),
        ("volume_group", "volume_group vg vg_name"),
        ("logical_volume", "logical_volume lv lv_name"),
        ("arn", "arn"),
        ("ssid", "ssid essid access_point"),
        ("repository", "repository repo repos"),
        ("organization", "organization org organisation"),
        ("project", "project projects subproject"),
        ("profile", "profile profiles"),
        ("encoding", "encoding charset"),
        ("coordinate", "latitude longitude lat lon"),
        ("user", "user username users userid owner login author account"),
        ("group", "group groups"),
        ("branch", "branch branches"),
        ("commit", "commit commits hash sha revision rev revset revsets ref reference"),
        ("tag", "tag tags"),
        ("remote", "remote"),
        ("container", "container containers"),
        ("image", "image images"),
        ("pod", "pod pods"),
        ("namespace", "namespace"),
        ("database", "database db dbname databases"),
        ("table", "table tables"),
        ("service", "service services unit units daemon"),
        ("package", "package packages pkg module modules gem gems crate crates formula cask "
                    "library dependency dependencies plugin plugins"),
        ("file", "file files filename filenames logfile"),
        ("directory", "directory directories dir dirs folder folders mountpoint"),
        ("process", "process processes program executable binary application"),
        ("subcommand", "subcommand subcommands command_name"),
        ("script", "script scripts"),
        ("shell", "shell"),
        ("delimiter", "delimiter separator delim"),
        ("command", "command commands cmd"),
        ("args", "argument arguments args arg options flags"),
        ("variable", "variable variables var"),
        ("environment", "environment env"),
        ("key", "key keys"),
        ("value", "value values"),
        ("regex", "regex regexp regular"),
        ("pattern", "pattern patterns search query keyword keywords term glob filter match"),
        ("text", "message msg text string comment description title subject sentence phrase "
                 "note prompt summary caption reason body content"),
        ("word", "word words replacement"),
        ("timezone", "timezone tz"),
        ("date", "date dates day datetime timestamp"),
        ("time", "time"),
        ("version", "version versions"),
        ("region", "region zone location"),
        ("color", "color colour"),
        ("language", "language lang locale"),
        ("format", "format"),
        ("percent", "percent percentage quality"),
        ("dimension", "width height resolution"),
        ("duration", "seconds secs sec minutes mins hours days timeout delay interval duration "
                     "milliseconds ms"),
        ("size", "size memory capacity"),
        ("count", "number num count n integer int limit lines depth level amount max min "
                  "length rate threads jobs bytes columns cols rows retries offset index "
                  "priority step steps fps bitrate frequency factor scale weight threshold "
                  "angle degrees radius margin pages workers cores cpus times tries year month "
                  "line speed page segment episode copies replicas pos position pixels dpi "
                  "nr no"),
        ("name", "name names"),
    )
)
_STOP_WORDS = frozenset({"name", "names", "the", "of", "a", "to", "my", "some", "path",
                         "specific", "or", "in", "for", "old", "with"}) | PROTOCOL_WORDS

# A placeholder, or tldr's escape for literal braces (``\{\{``, ``\}\}``). ``{{{x}}}`` is the
# placeholder ``{x}``: the body takes the inner braces.
_PLACEHOLDER = re.compile(r"\\\{\\\{|\\\}\\\}|\{\{(.*?)\}\}(?!\})")
_OPTION_CHOICE = re.compile(r"\[([^\[\]]*\|[^\[\]]*)\]")
_DESCRIPTIVE = re.compile(r"[A-Za-z0-9_./:~@=+-]+")
_INDEX = re.compile(r"(?<=[A-Za-z_])_?\d+(?=(\.[A-Za-z][\w.]*)?$)")
_ELLIPSIS = re.compile(r"[\s,]*\.\.\.$")
_NUMBER = re.compile(r"[1-9]\d*")
_FILENAME = re.compile(r"([\w-]+)\.([A-Za-z0-9]{1,8}(\.[A-Za-z0-9]{1,4})?)")

# Example values tldr writes literally (``{{192.168.1.1}}``, ``{{/dev/sdX}}``) and the pool
# that replaces them: always if they hold an ``X`` to fill, otherwise half of the time.
_LITERALS = (
    (re.compile(r"\d{1,3}(\.\d{1,3}){3}"), "ip"),
    (re.compile(r"https?://\S+\.git"), "git_url"),
    (re.compile(r"https?://\S+"), "url"),
    (re.compile(r"[\w.+-]+@([a-z0-9-]+\.)+[a-z]+"), "email"),
    (re.compile(r"([a-z0-9-]+\.)+(com|org|net|io|dev|local)"), "domain"),
    (re.compile(r"(eth|wlan|en|wlp)[0-9X]"), "interface"),
    (re.compile(r"/dev/sd[Xx]"), "disk"),
    (re.compile(r"/dev/sd[Xx][YyNn0-9]"), "partition"),
    (re.compile(r"/dev/\w*(device|disk|drive)\w*"), "disk"),
)
_RANGE = re.compile(r"(\d+)\.\.(\d+)")


class _Slot(NamedTuple):
    """Where a placeholder sits in its template."""

    quoted: bool  # inside a quoted string: prose and regexes may have spaces
    after_slash: bool  # right after a ``/``: a path must be relative
    before_ext: str | None  # the ``ext`` of a ``.ext`` right after: a file name gets none


def fill(template: str, rng: random.Random) -> str:
    """Replace every ``{{...}}`` placeholder of a tldr template with a realistic value."""
    out: list[str] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(template):
        out.append(template[pos:m.start()])
        pos = m.end()
        if m.group(1) is None:
            out.append(_unescape(m.group(0)))
            continue
        prefix = "".join(out)
        ext = re.match(r"\.([A-Za-z][\w.]*)", template[m.end():])
        slot = _Slot(quoted=_in_quotes(prefix), after_slash=prefix.endswith("/"),
                     before_ext=ext.group(1).rstrip(".") if ext else None)
        out.append(_value(_unescape(m.group(1)), rng, slot))
    out.append(template[pos:])
    return "".join(out)


def _unescape(text: str) -> str:
    """Undo tldr's escaping of literal double braces."""
    return text.replace("\\{\\{", "{{").replace("\\}\\}", "}}")


def _in_quotes(prefix: str) -> bool:
    """Whether text following ``prefix`` sits inside a shell quoted string."""
    quote = None
    escaped = False
    for ch in prefix:
        if escaped:
            escaped = False
        elif ch == "\\" and quote != "'":
            escaped = True
        elif quote is None and ch in "\"'":
            quote = ch
        elif ch == quote:
            quote = None
    return quote is not None


def _value(body: str, rng: random.Random, slot: _Slot) -> str:
    """A value for one placeholder body (the text between ``{{`` and ``}}``)."""
    if m := _OPTION_CHOICE.fullmatch(body):
        return rng.choice(m.group(1).split("|"))
    alternatives = _alternatives(body)
    if alternatives:
        if "..." in alternatives:  # tldr's enumeration of real values (cpu|memory|...)
            return rng.choice([a for a in alternatives if a != "..."])
        described = [a for a in alternatives if _category(a)]
        if described and (described == alternatives
                          or any(a.startswith("path/to") or "_" in a for a in described)):
            return _value(rng.choice(described), rng, slot)
        return rng.choice(alternatives)
    if _ELLIPSIS.search(body) and body != "...":
        return _repeated(body, rng, slot)
    body = _OPTION_CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), body)
    return _single(body, rng, slot)


def _alternatives(body: str) -> list[str]:
    """The top-level ``a|b|c`` alternatives of a body, or [] if it is not such a list."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(body):
        if ch in "[({":
            depth += 1
        elif ch in "])}":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(body[start:i])
            start = i + 1
    if not parts:
        return []
    parts.append(body[start:])
    if any(not p or p != p.strip() or not _DESCRIPTIVE.fullmatch(p.replace(" ", ""))
           for p in parts):
        return []
    return parts


def _repeated(body: str, rng: random.Random, slot: _Slot) -> str:
    """Fill an ``item1 item2 ...`` list with 1 to 3 items (``,`` lists stay ``,`` lists)."""
    listed = _ELLIPSIS.sub("", body)
    sep = "," if "," in listed else " "
    items = [i.strip() for i in listed.split(sep) if i.strip()]
    if not items or not all(_DESCRIPTIVE.fullmatch(i.replace("|", "")) for i in items):
        return body
    patterns = [_INDEX.sub("", i) for i in items]
    count = rng.randint(1, 3)
    if patterns == items:  # an enumeration of literal examples: keep some of them
        chosen = sorted(rng.sample(range(len(items)), min(count, len(items))))
        return sep.join(_value(items[i], rng, slot) for i in chosen)
    period = next((p for p in range(1, len(patterns)) if patterns[p] == patterns[0]),
                  len(patterns))
    values: list[str] = []
    for k in range(1, count + 1):
        for _ in range(5):  # avoid repeating a value, as a person would
            unit = [_value(p, rng, slot) for p in patterns[:period]]
            names = {v.rsplit("/", 1)[-1] for v in values}
            if not any(v.rsplit("/", 1)[-1] in names for v, p in zip(unit, patterns) if v != p):
                break
        # a literal item stays as written, numbered like tldr's own (mode1 mode2 ...)
        values.extend(_INDEX.sub(lambda m: re.sub(r"\d+", str(k), m.group(0)), item)
                      if value == pattern else value
                      for item, pattern, value in zip(items, patterns, unit))
    return sep.join(values)


def _words(body: str) -> list[str]:
    """A body's lower-case words without list indices (``path/to/file1`` -> path, to, file)."""
    return [w.rstrip("0123456789") or w for w in re.split(r"[^a-z0-9]+", body.lower()) if w]


def _keywords(body: str) -> set[str]:
    """Every word a category keyword may match: words with and without their digits
    (``ipv4``, ``ipv``) and adjacent pairs of ``_`` parts (``resource_group``)."""
    lower = body.lower()
    parts = lower.split("_")
    return (set(_words(body)) | set(re.split(r"[^a-z0-9]+", lower))
            | {f"{a}_{b}" for a, b in zip(parts, parts[1:])})


@functools.lru_cache(maxsize=None)
def _category(body: str) -> str | None:
    """The value category a descriptive placeholder body asks for, or None."""
    if not _DESCRIPTIVE.fullmatch(body):
        return None
    if body.startswith("path/to") or body == "path":
        return "path"
    if not re.fullmatch(r"[A-Za-z][\w-]*", body):  # dotted names, compounds, flags
        return None
    if body.rstrip("0123456789") in _NOUNS:
        return "name"
    words = _keywords(body)
    return next((category for category, keys in _KEYWORDS if keys & words), None)


def _single(body: str, rng: random.Random, slot: _Slot) -> str:
    """Fill one placeholder body that is no list and no set of alternatives."""
    if body in ("0", "."):
        return body
    if _NUMBER.fullmatch(body):
        return _number_like(body, rng)
    if m := _RANGE.fullmatch(body):
        low, high = sorted((int(m.group(1)), int(m.group(2))))
        return str(rng.randint(low, high))
    for pattern, pool in _LITERALS:
        if pattern.fullmatch(body):
            keep = "X" not in body and rng.random() < 0.5
            return body if keep else rng.choice(_POOLS[pool])
    if (m := _FILENAME.fullmatch(body)) and (
            m.group(2).split(".")[-1].lower() in _EXT_FAMILY
            or set(_words(m.group(1))) <= _GENERIC_FILE_WORDS):
        return _file(rng, _words(body), m.group(2), m.group(1), with_dir=False)
    compound = re.split(r"([:@=/])", body)
    if len(compound) > 1 and all(_category(p) for p in compound[::2]):
        return "".join(_value(p, rng, slot) if i % 2 == 0 else p
                       for i, p in enumerate(compound))
    category = _category(body)
    if category is not None:
        return _generate(category, body, rng, slot)
    if re.fullmatch(r"[a-z]+(_[a-z]+)+", body):
        return _derived_name(body, rng)
    # code, prose or a URL kept as written, with any path inside it filled in
    return _EMBEDDED_PATH.sub(lambda m: _embedded_path(m, rng), body)


_EMBEDDED_PATH = re.compile(r"(?<![\w.-])(absolute/)?path/to/[\w.-]*\w")


def _embedded_path(m: re.Match, rng: random.Random) -> str:
    """A path for ``path/to/...`` inside literal text: relative after a ``/``, and absolute
    for ``absolute/path/to/...``."""
    after_slash = m.group(1) is not None or m.string[:m.start()].endswith("/")
    value = _path(m.group(0), _words(m.group(0)), rng, after_slash)
    return "/" + value if m.group(1) else value


def _generate(category: str, body: str, rng: random.Random, slot: _Slot) -> str:
    """A value of ``category`` for the placeholder ``body``."""
    words = _words(body)
    if category in ("path", "file") and slot.before_ext:
        name = _file(rng, words, slot.before_ext, None, with_dir=not slot.after_slash)
        return name[:-len(slot.before_ext) - 1]
    if category == "path":
        return _path(body, words, rng, slot.after_slash)
    if category == "file":
        return _file(rng, words, None, None, with_dir=not slot.after_slash)
    if category == "directory":
        return _directory(words, rng, slot.after_slash)
    if category == "device":
        return rng.choice(_POOLS["partition"] if "partition" in words else _POOLS["disk"])
    if category == "extension":
        return rng.choice(_EXTS)
    if category in _NUMBERS:
        return rng.choice(_NUMBERS[category])
    if category == "name" and (derived := _derived_name(body, rng, fallback=False)):
        return derived
    if category in ("text", "regex") and not slot.quoted:
        category = "word" if category == "text" else "pattern"
    return rng.choice(_POOLS[category])


def _number_like(literal: str, rng: random.Random) -> str:
    """The literal number, or a round number with as many digits (tldr's ``{{100}}``)."""
    digits = len(literal)
    if digits == 1:
        return str(rng.randint(1, 9))
    if rng.random() < 0.4:
        return literal
    step = 5 * 10 ** (digits - 2)
    return str(rng.randrange(10 ** (digits - 1), 10 ** digits, step))


def _derived_name(body: str, rng: random.Random, fallback: bool = True) -> str | None:
    """A name built from the placeholder's own words (``vm_name`` -> ``my-vm``, ``vm1``)."""
    words = [w for w in _words(body) if w not in _STOP_WORDS and not w.isdigit()]
    if not words:
        return rng.choice(_POOLS["name"]) if fallback else None
    sep = rng.choice("-_")
    noun = sep.join(words[-2:])
    return rng.choice(("my{sep}{n}", "{n}1", "{n}{sep}dev", "test{sep}{n}", "{n}{sep}prod",
                       "{n}2", "{n}")).format(n=noun, sep=sep)


_DIR_WORDS = frozenset({
    "directory", "dir", "folder", "directories", "dirs", "mount", "mountpoint", "root", "repo",
    "repository", "project", "workspace", "location", "prefix", "destination", "dest", "target",
    "parent", "destdir", "venv", "checkout", "cache", "home", "library", "lib", "include",
    "header", "headers", "chroot", "sysroot", "tree", "site", "vault", "store", "environment"})


def _path(body: str, words: list[str], rng: random.Random, after_slash: bool) -> str:
    """A path for a ``path/to/...`` placeholder, honouring its extension and its kind."""
    last = body.rsplit("/", 1)[-1] if body not in ("path", "path/to") else ""
    tail = set(_words(last))
    ext_match = re.fullmatch(r"([\w-]*?)\.([A-Za-z0-9][\w.]*)", last)
    if ext_match and ext_match.group(2).split(".")[-1].lower() != "ext":
        return _file(rng, words, ext_match.group(2), ext_match.group(1), with_dir=not after_slash)
    if "file" in tail and (not tail & {"directory", "dir", "folder"} or rng.random() < 0.5):
        return _file(rng, words, None, None, with_dir=not after_slash)  # or file_or_directory
    if not last or tail & _DIR_WORDS:
        return _directory(words, rng, after_slash)
    own = _own_stem(last)
    if own and not own.islower() and rng.random() < 0.7:  # Dockerfile, PKGBUILD
        return own
    if tail & {"binary", "executable", "bin", "program", "app", "exe", "command", "tool"}:
        if after_slash:
            return rng.choice([b.removeprefix("./") for b in _BINARIES if b[0] != "/"])
        return rng.choice(_BINARIES)
    if tail & {"socket", "sock"}:
        return rng.choice(_SOCKETS)
    if tail & {"device", "disk", "partition"}:
        return rng.choice(_POOLS["partition"] if "partition" in tail else _POOLS["disk"])
    return _file(rng, words, None, last, with_dir=not after_slash)


def _directory(words: list[str], rng: random.Random, after_slash: bool) -> str:
    """A directory for a placeholder whose words are ``words``."""
    if {"mount", "mountpoint"} & set(words):
        pool = _MOUNT_DIRS
    elif {"repo", "repository", "project", "workspace", "checkout"} & set(words):
        pool = _REPO_DIRS
    else:
        pool = _DIRS
    value = rng.choice(pool)
    return re.sub(r"^(~/|/|\./)", "", value) if after_slash else value


def _file(rng: random.Random, words: list[str], ext: str | None, stem: str | None,
          with_dir: bool) -> str:
    """A file name, with ``ext`` if given, in a directory now and then if ``with_dir``."""
    if ext is None:
        exts = next((_WORD_EXTS.get(w) or (w,) for w in reversed(words)
                     if w in _WORD_EXTS or w in _EXT_FAMILY), None)
        if exts is None:
            value = rng.choice(_FILES)
            return value if with_dir else value.rsplit("/", 1)[-1]
        ext = rng.choice(exts)
    family = _EXT_FAMILY.get(ext.split(".")[-1].lower())
    stems, dirs = (_FAMILIES[family][1:] if family else (_GENERIC_STEMS, _GENERIC_DIRS))
    own = _own_stem(stem)
    name = f"{own if own and rng.random() < 0.3 else rng.choice(stems)}.{ext}"
    if with_dir and rng.random() < 0.4:
        return f"{rng.choice(dirs)}/{name}"
    return name


def _own_stem(stem: str | None) -> str | None:
    """The template's own file stem when it is a meaningful name (``usernames``), else None."""
    if not stem or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", stem):
        return None
    parts = set(_words(stem))
    if parts & _GENERIC_FILE_WORDS or parts & PROTOCOL_WORDS:
        return None
    return stem


def fill_example(example: Example, seed: int) -> str:
    """Fill ``example``'s template deterministically for (seed, template)."""
    return fill(example.template, random.Random(_stable_int(f"fill\0{seed}\0{example.template}")))


def _stable_int(text: str) -> int:
    """A 64-bit integer from ``text`` that is the same on every run and machine."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def page_split(page: str) -> str:
    """``"test"`` for about 20% of tldr pages, ``"train"`` for the rest, stable forever.

    This is the only test/train boundary in the project: every dataset (processor checks,
    classifier data, model fine-tuning, eval) splits by it, so all commands of a page fall on
    the same side and no test page is ever trained on. It hashes the page name only, so pages
    of the same name on different platforms share a side.
    """
    return "test" if _stable_int(f"page\0{page}") % 10_000 < TEST_SHARE * 10_000 else "train"


FOLDS = 4
"""Folds of the train pages: the spacer's training-time models leave one out each, and a
development set (``dictbash data devsets``) is made of one that a spacer trained with
``--leave-out-fold`` has not read."""


def page_fold(page: str) -> int:
    """The fold a page falls in, the same on every run and machine."""
    return zlib.crc32(page.encode()) % FOLDS


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def skip_reason(command: str) -> str | None:
    """Why a filled command is unusable (``"braces"``, ``"non-ascii"``, ``"control"``) or None.

    ``braces``: tldr text that is no placeholder left ``{{`` or ``}}`` behind;
    ``non-ascii``: the protocol can only speak ASCII; ``control``: tabs, newlines and the like.
    """
    if "{{" in command or "}}" in command:
        return "braces"
    if not command.isascii():
        return "non-ascii"
    if _CONTROL.search(command):
        return "control"
    return None


def commands(split: str | None = None, seed: int = 0, path: str | os.PathLike | None = None,
             skipped: Counter | None = None) -> list[tuple[Example, str]]:
    """Filled ``(example, command)`` pairs of the corpus, optionally of one split only.

    Rows whose filled command has a ``skip_reason`` are left out; pass a ``Counter`` as
    ``skipped`` to have it count them by reason.
    """
    if split not in (None, "train", "test"):
        raise ValueError(f"split must be None, 'train' or 'test', not {split!r}")
    pairs = []
    for example in load_examples(path):
        if split is not None and page_split(example.page) != split:
            continue
        command = fill_example(example, seed)
        reason = skip_reason(command)
        if reason is None:
            pairs.append((example, command))
        elif skipped is not None:
            skipped[reason] += 1
    return pairs
