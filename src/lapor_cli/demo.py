"""A demo register: a few dozen realistic cases in every status (a reopened, a voided and a
merged one among them), made with the real workflow.

Deterministic for a given seed and "now"; every case is recorded and walked through the SOP
with the same functions the commands use, so its history is a real one.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlmodel import Session

from lapor_cli import handling
from lapor_cli.office import office
from lapor_cli.recording import record
from lapor_cli.settings import DEMO_OFFICE, DEMO_SETTING, set_setting

PEOPLE = [
    ("Maria Goreti Bere", "F"),
    ("Yohanes Tefa", "M"),
    ("Siti Aminah", "F"),
    ("Agustinus Lake", "M"),
    ("Ni Made Sukerti", "F"),
    ("I Ketut Arsana", "M"),
    ("Dewi Lestari", "F"),
    ("Abdul Rahman", "M"),
    ("Yuliana Nenobais", "F"),
    ("Fransiskus Seran", "M"),
    ("Rambu Ana", "F"),
    ("Stefanus Mau", "M"),
    ("Ester Ndun", "F"),
    ("Paulus Bria", "M"),
    ("Nurhayati", "F"),
    ("Markus Haning", "M"),
]
OFFICE = DEMO_OFFICE
REGIONS = ["5371", "5301", "5107", "3171", "3273"]
TOPICS = [
    ("aduan", "PKH", "Bantuan PKH tahap {t} belum masuk rekening KKS padahal tetangga sudah."),
    ("aduan", "BPNT", "Saldo BPNT/Sembako bulan ini kosong saat diambil di e-warong."),
    ("aduan", "DTKS", "Keluarga kami tidak lagi terdaftar di DTKS setelah pindah RT."),
    ("aduan", "DTSEN", "Desil keluarga di DTSEN tidak sesuai kondisi, mohon pemutakhiran."),
    ("aduan", "PBI-JK", "Kartu KIS PBI nonaktif saat berobat ke puskesmas."),
    ("aduan", "REHSOS", "Ada lansia terlantar di pasar yang perlu dijemput dan dirawat."),
    ("aduan", "LINJAMSOS", "Korban banjir di kelurahan kami belum menerima bantuan logistik."),
    ("aspirasi", "PELAYANAN", "Mohon loket pengaduan dibuka juga hari Sabtu pagi."),
    ("aspirasi", "DAYASOS", "Usul pelatihan usaha untuk KPM PKH di kecamatan kami."),
    ("informasi", "PKH", "Bagaimana cara mendaftar sebagai penerima PKH?"),
    ("informasi", "DTKS", "Apa syarat pengajuan usulan masuk DTKS lewat desa?"),
    ("aduan", "BANSOS-LAIN", "Pendamping sosial meminta uang saat pencairan bantuan."),
]
KANAL_MIX = [
    "tatap-muka",
    "whatsapp",
    "sp4n-lapor",
    "surat",
    "kotak-saran",
    "telepon",
    "instagram",
    "email",
    "sms",
    "facebook",
]
UNITS_FOR = {
    "PKH": "Bidang Perlindungan dan Jaminan Sosial",
    "BPNT": "Bidang Penanganan Fakir Miskin",
    "DTKS": "Bidang Penanganan Fakir Miskin",
    "DTSEN": "Bidang Penanganan Fakir Miskin",
    "PBI-JK": "Bidang Perlindungan dan Jaminan Sosial",
    "REHSOS": "Bidang Rehabilitasi Sosial",
    "LINJAMSOS": "Bidang Perlindungan dan Jaminan Sosial",
    "DAYASOS": "Bidang Pemberdayaan Sosial",
    "PELAYANAN": "Sekretariat",
    "BANSOS-LAIN": "Sekretariat",
}
# The status each demo case is walked to, in order: every status appears.
TARGETS = (
    ["selesai"] * 12
    + ["ditindaklanjuti"] * 6
    + ["didisposisikan"] * 5
    + ["dijawab"] * 3
    + ["terverifikasi"] * 3
    + ["diarsipkan"] * 3
    + ["diterima"] * 6
)


def _nik(rng: random.Random, sex: str) -> str:
    day = rng.randint(1, 28) + (40 if sex == "F" else 0)
    return (
        f"{rng.choice(REGIONS)}{rng.randint(1, 9):02d}{day:02d}"
        f"{rng.randint(1, 12):02d}{rng.randint(50, 99):02d}{rng.randint(1, 9999):04d}"
    )


def _office_time(day: datetime, rng: random.Random) -> datetime:
    return datetime.combine(day.date(), time(rng.randint(8, 14), rng.choice((0, 15, 30, 45))))


def fill(session: Session, *, now: datetime, seed: int = 2026, officer: str = "demo") -> int:
    """Name the demo office, record and walk the demo cases with the commands' own functions;
    returns how many were made."""
    rng = random.Random(seed)
    settings = office(session, nama=OFFICE)
    set_setting(session, DEMO_SETTING, "ya")
    specs = []
    for i, target in enumerate(TARGETS):
        jenis, kategori, text = rng.choice(TOPICS)
        kanal = KANAL_MIX[i % len(KANAL_MIX)]
        name, sex = rng.choice(PEOPLE)
        # Closed cases come from the last seven weeks; open ones mostly from the last days.
        if target in ("selesai", "diarsipkan"):
            age_days = rng.randint(3, 50)
        elif target == "diterima":
            age_days = rng.randint(0, 4)
        else:
            age_days = rng.choice((1, 2, 3, 4, 5, 6, 8, 12))
        received = _office_time(now - timedelta(days=age_days), rng)
        if received > now:
            received = now - timedelta(hours=1)
        anonim = i % 13 == 5
        raw: dict[str, object] = {
            "kanal": kanal,
            "jenis": jenis,
            "uraian": text.format(t=rng.randint(1, 4)),
            "diterima": received,
            "anonim": anonim,
            "rahasia": kategori == "BANSOS-LAIN",
            "petugas": officer,
        }
        if not anonim:
            raw.update(
                nama=name,
                nik=_nik(rng, sex),
                hp=f"08{rng.choice((12, 13, 21, 52, 53, 77))}{rng.randint(10_000_000, 99_999_999)}",
                alamat=f"RT {rng.randint(1, 20):02d}/RW {rng.randint(1, 9):02d}, "
                f"Kel. {rng.choice(['Oebobo', 'Kayu Putih', 'Fatululi', 'Oesapa', 'Liliba'])}",
            )
        if kanal == "sp4n-lapor":
            raw["nomor_lapor"] = f"LAP{received:%y%m%d}{rng.randint(100, 999)}"
        specs.append((received, i, raw, target, kategori))
    specs.sort(key=lambda spec: (spec[0], spec[1]))  # numbers in order of receipt
    walked = []
    for received, _i, raw, target, kategori in specs:
        # lama: the demo's receipts go back up to seven weeks, on purpose (`catat --lama`)
        made = record(session, raw, now=received, profile=settings.profil_sla, lama=True)
        case = handling.get_case(session, made.view["nomor"])
        _walk(session, case, target, kategori, received, now, rng, officer)
        walked.append(case)
    return len(specs) + _mend(session, walked, now=now, profile=settings.profil_sla, by=officer)


def _mend(session: Session, cases: list, *, now: datetime, profile: str, by: str) -> int:
    """Mistakes mended, as a desk meets them: a case reopened because the reporter disputes
    its answer, a test entry voided, the same complaint again from SP4N-LAPOR! merged into
    its main case. Returns how many cases it recorded."""
    answered = next(c for c in cases if c.status == "selesai" and c.unit and not c.anonim)
    handling.reopen_case(
        session,
        answered.nomor,
        now=now - timedelta(hours=2),
        petugas=by,
        alasan="Pelapor menyatakan bantuan belum diterima sampai hari ini.",
    )
    made = record(
        session,
        {
            "kanal": "tatap-muka",
            "jenis": "aduan",
            "uraian": "Uji coba aplikasi oleh petugas (bukan aduan warga).",
            "nama": "Petugas Uji",
            "diterima": now - timedelta(hours=3),
            "petugas": by,
        },
        now=now - timedelta(hours=3),
        profile=profile,
    )
    handling.void_case(
        session,
        str(made.view["nomor"]),
        now=now - timedelta(hours=3),
        petugas=by,
        alasan="Data uji coba saat pelatihan petugas, bukan aduan warga.",
    )
    main = next(c for c in cases if c.status == "didisposisikan" and not c.rahasia)
    made = record(
        session,
        {
            "kanal": "sp4n-lapor",
            "jenis": main.jenis,
            "uraian": main.uraian,
            "nama": "Ester Ndun",
            "nomor_lapor": f"LAP{now:%y%m%d}901",
            "diterima": now - timedelta(hours=1),
            "petugas": by,
        },
        now=now - timedelta(hours=1),
        profile=profile,
    )
    handling.merge_case(
        session,
        str(made.view["nomor"]),
        ke=main.nomor,
        now=now - timedelta(hours=1),
        petugas=by,
        alasan="Aduan yang sama lewat SP4N-LAPOR!, sudah ditangani di kasus utama.",
    )
    return 2


def _walk(session, case, target, kategori, received, now, rng, officer) -> None:
    moment = received

    def later(hours: int) -> datetime:
        """Some hours on, moved into office hours (08–15), never past now."""
        nonlocal moment
        step = moment + timedelta(hours=hours)
        if step.hour >= 16:
            step = (step + timedelta(days=1)).replace(hour=8 + step.hour % 8)
        elif step.hour < 8:
            step = step.replace(hour=8 + step.hour % 8)
        moment = max(moment, min(step, now))
        return moment

    def do(handle, **values) -> None:
        handle(session, case.nomor, now=moment, petugas=officer, **values)

    if target == "diterima":
        return
    if target == "diarsipkan":
        later(rng.randint(2, 30))
        do(
            handling.verify_case,
            kategori="LAINNYA",
            kewenangan=False,
            alasan="Aduan menyangkut penyaluran oleh bank, bukan kewenangan Dinas Sosial.",
            dirujuk_ke="Bank penyalur (Himbara)",
        )
        return
    later(rng.randint(2, 30))
    do(handling.verify_case, kategori=kategori, kewenangan=True)
    if target == "terverifikasi":
        return
    later(rng.randint(2, 30))
    if target == "dijawab" or (target == "selesai" and case.jenis == "informasi"):
        do(
            handling.distribute_case,
            jawaban_normatif="Dijelaskan syarat dan alur pengusulan lewat desa/kelurahan.",
        )
    else:
        copies = ["UPT Kesejahteraan Sosial"] if rng.random() < 0.5 else []
        do(
            handling.distribute_case,
            unit=UNITS_FOR.get(kategori, "Sekretariat"),
            tembusan=copies,
        )
        if target == "didisposisikan":
            return
        for _ in range(rng.randint(1, 2)):
            later(rng.randint(4, 60))
            do(
                handling.follow_up_case,
                catatan=rng.choice(
                    [
                        "Kunjungan rumah dan verifikasi data oleh pendamping.",
                        "Koordinasi dengan operator SIKS-NG kecamatan.",
                        "Data diusulkan perbaikan ke Pusdatin Kemensos.",
                    ]
                ),
                oleh="Kepala Seksi",
                tugaskan=rng.choice(["TKSK", "SDM PKH", "UPT", None]),
            )
    if target in ("ditindaklanjuti", "dijawab"):
        return
    later(rng.randint(2, 72))
    do(
        handling.close_case,
        hasil="Masalah diselesaikan; pelapor telah dihubungi.",
        dilaporkan=(rng.random() < 0.6) if case.kanal == "sp4n-lapor" else None,
    )
    if rng.random() < 0.75:
        do(handling.rate_case, skor=rng.choice((3, 4, 4, 5, 5)))
