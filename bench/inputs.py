"""Deterministic benchmark inputs: short messages, logs, job payloads and tickets.

Every generated input is distinct (timestamps, ids, names vary), so a cache keyed on
the text cannot make a benchmark measure the cache instead of the matcher.
"""

from __future__ import annotations

import random
import uuid

from app.engine import Index

__all__ = ["short_messages", "noise_line", "log_text", "job_payload", "ticket_text", "error_wordings"]

SHORT_MAX = 300
_UNKNOWN = (
    "write /var/lib/postgresql/data: No space left on device",
    "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
    "Le certificat TLS du serveur de licences a expiré",
    "npm ERR! code ERESOLVE unable to resolve dependency tree",
)
_VMS = ("vm-sql-01", "vm-web-03", "srv-erp-prod", "vm-dc-02", "app-linux-17", "vm-files-east")
_LEVELS = ("INFO ", "INFO ", "INFO ", "DEBUG", "DEBUG", "WARN ")
_NOISE = (
    "[BackupJob {job}] starting backup of {vm} (policy DailyPolicy-{n})",
    "[BackupJob {job}] taking snapshot of {n} disks of {vm}",
    "[VMSnapshot] extension handler sequence number {n}, status transitioning to {state}",
    "[waagent] Agent WALinuxAgent-2.{n}.1.1 is running as the goal state agent",
    "[Storage] retrying PUT https://st{n}prod.blob.core.windows.net/vhds/{vm}-osdisk.vhd?comp=block attempt 2/5",
    "[Transfer] copied {n} MB of {m} MB for disk {vm}-datadisk-{k} ({pct}%)",
    "[HTTP] GET https://management.azure.com/subscriptions/{guid}/resourceGroups/rg-{vm}/providers/Microsoft.Compute/virtualMachines/{vm}?api-version=2024-07-01 200 {n} ms",
    "[VSS] writer 'SqlServerWriter' state {state} on {vm}",
    "[Scheduler] next run of policy DailyPolicy-{k} at 2026-11-25T01:00:00Z",
    "[Heartbeat] vm={vm} cpu={pct}% mem={pct}% disk_queue={k}",
    "[Restore] mounting recovery point {guid} on {vm}",
    "[Network] resolved {vm}.internal.contoso.com to 10.{k}.{pct}.{n} in {n} ms",
)
_STATES = ("Stable", "Running", "Success", "InProgress", "Waiting")


def error_wordings(index: Index) -> list[tuple[str, str]]:
    """(entry id, text) of every example and published message of the catalogue, at most 300 chars."""
    found = [(e.id, ex.text) for e in index.catalog for ex in e.examples]
    found += [(e.id, m.text) for e in index.catalog for m in e.messages]
    return [(eid, text) for eid, text in found if len(text) <= SHORT_MAX]


def _stamp(rng: random.Random) -> str:
    return f"2026-11-{rng.randint(10, 28)}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"


def short_messages(index: Index, count: int, seed: int = 1) -> list[str]:
    """``count`` distinct messages of at most 300 chars: catalogue wordings, some with a log prefix, some unknown."""
    rng = random.Random(seed)
    wordings = [text for _eid, text in error_wordings(index)]
    messages = []
    for i in range(count):
        if i % 10 == 9:
            text = f"{rng.choice(_UNKNOWN)} (host {rng.choice(_VMS)}, pid {rng.randint(100, 99999)})"
        else:
            text = rng.choice(wordings)
            if i % 2:
                text = f"{_stamp(rng)} ERROR [BackupJob {uuid.UUID(int=rng.getrandbits(128))}] {text}"
        messages.append(text[:SHORT_MAX])
    return messages


def noise_line(rng: random.Random) -> str:
    template = rng.choice(_NOISE)
    line = template.format(
        job=f"{rng.getrandbits(32):08x}", vm=rng.choice(_VMS), n=rng.randint(1, 4000), m=rng.randint(4000, 9000),
        k=rng.randint(0, 15), pct=rng.randint(0, 100), guid=uuid.UUID(int=rng.getrandbits(128)),
        state=rng.choice(_STATES),
    )
    return f"{_stamp(rng)} {rng.choice(_LEVELS)} {line}"


def log_text(rng: random.Random, size: int, errors: list[str]) -> str:
    """About ``size`` characters of agent log with each of ``errors`` on an ERROR line at a random place."""
    lines: list[str] = []
    length = 0
    while length < size:
        line = noise_line(rng)
        lines.append(line)
        length += len(line) + 1
    for error in errors:
        lines.insert(rng.randrange(len(lines)), f"{_stamp(rng)} ERROR [BackupJob {rng.getrandbits(32):08x}] {error}")
    text = "\n".join(lines)
    return text[: text.rfind("\n", 0, size + 1)] if len(text) > size else text


def job_payload(index: Index, rng: random.Random, errors: int = 10) -> dict[str, object]:
    """An Azure Backup job resource whose ``errorDetails`` hold ``errors`` errors of distinct entries."""
    entries = rng.sample(list(index.catalog), min(errors, len(index.catalog)))
    details = []
    for entry in entries:
        code = entry.codes[0] if entry.codes and rng.random() < 0.7 else ""
        details.append({"errorCode": code, "errorString": rng.choice(entry.messages).text, "errorTitle": "",
                        "recommendations": [entry.steps[0].en]})
    job = f"{uuid.UUID(int=rng.getrandbits(128))}"
    return {
        "id": f"/subscriptions/{uuid.UUID(int=rng.getrandbits(128))}/resourceGroups/rg-prod/providers/"
              f"Microsoft.RecoveryServices/vaults/rsv-prod/backupJobs/{job}",
        "name": job,
        "properties": {"jobType": "AzureIaaSVMJob", "entityFriendlyName": rng.choice(_VMS), "operation": "Backup",
                       "status": "Failed", "startTime": _stamp(rng), "endTime": _stamp(rng), "errorDetails": details},
    }


_PROSE = (
    "Bonjour, depuis la mise à jour de la semaine dernière nos sauvegardes nocturnes échouent sur plusieurs machines.",
    "Nous avons déjà redémarré la machine virtuelle et vérifié les règles du pare-feu, sans succès.",
    "Hello team, the backup of our production SQL server has been failing every night since Tuesday.",
    "We opened the portal and the job shows the error below; the VM is running and reachable over RDP.",
    "Could you please advise on next steps? This is blocking our compliance audit at the end of the month.",
    "Le client indique que la stratégie de sauvegarde n’a pas été modifiée et que le coffre est dans la même région.",
    "Attached are the logs collected with the support script; the relevant part is pasted inline below.",
)


def ticket_text(index: Index, rng: random.Random, size: int = 100_000) -> str:
    """A support ticket of about ``size`` characters: prose, quoted replies, pasted logs and errors."""
    wordings = [text for _eid, text in error_wordings(index)]
    parts = [f"Subject: Backup failures on {rng.choice(_VMS)} - ticket {rng.randint(10**6, 10**7)}"]
    while sum(len(p) + 1 for p in parts) < size:
        kind = rng.random()
        if kind < 0.35:
            parts.append(" ".join(rng.choice(_PROSE) for _ in range(rng.randint(2, 12))))
        elif kind < 0.55:
            parts.extend("> " + rng.choice(_PROSE) for _ in range(rng.randint(1, 4)))
        elif kind < 0.85:
            parts.append(log_text(rng, rng.randint(1000, 4000), [rng.choice(wordings)]))
        else:
            parts.append(f"The error says: \"{rng.choice(wordings)}\" and then the job stops.")
    text = "\n".join(parts)
    return text[:size]
