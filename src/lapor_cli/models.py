"""The register's tables, all in one module.

Times are naive datetimes in the office's own time zone (WIB/WITA/WIT, a register setting):
a working day is a local notion, and SQLModel's default datetime type would insist on an
aware value. The columns are declared naive on purpose (``NaiveDateTime``).

Identity numbers and phone numbers are text, always (a leading zero is part of them).
The schema itself is built by the migrations in ``migrations/versions``, never by
``create_all()``; these models must agree with the newest migration (a test checks it).
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from lapor_cli.workflow import OPEN_SQL

NaiveDateTime = sa.DateTime(timezone=False)

OPEN_SCAN_COLUMNS = (
    "status",
    "diterima",
    "id",
    "nomor",
    "meja",
    "didistribusikan",
    "tindaklanjut_terakhir",
    "ditutup",
    "segera",
    "unit",
    "sla_profil",
    "sla_satuan",
    "sla_nilai",
    "sla_perpanjangan",
    "diperpanjang",
    "dibuka",
)


class Desk(SQLModel, table=True):
    """A complaint desk (meja) of the register: one office's desk, or one of a province's.

    Each desk has its own short code (``kupang``) and number prefix (``KPG``): its cases are
    numbered ``KPG-2026-00001`` onwards, gap-free per desk per year. A register starts with
    one desk, ``utama``."""

    __tablename__ = "meja"

    kode: str = Field(primary_key=True, max_length=20)
    nama: str = Field(max_length=200)
    prefiks: str = Field(max_length=20, unique=True)


class Case(SQLModel, table=True):
    """One complaint, suggestion or information request (kasus)."""

    __tablename__ = "kasus"
    __table_args__ = (
        sa.UniqueConstraint("prefiks", "tahun", "urut", name="uq_kasus_urut"),
        # One desk's month (monev, daftar --bulan): the desk and the receipt range together.
        sa.Index("ix_kasus_meja_diterima", "meja", "diterima"),
        # The open-case scan (``sla``) read from the index alone: only the open cases, with
        # every column the scan reads (migration 0012).
        sa.Index(
            "ix_kasus_terbuka",
            *OPEN_SCAN_COLUMNS,
            sqlite_where=sa.text(OPEN_SQL),
            postgresql_where=sa.text(OPEN_SQL),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    nomor: str = Field(max_length=40, unique=True)
    meja: str = Field(foreign_key="meja.kode", max_length=20)
    prefiks: str = Field(max_length=20)
    tahun: int
    urut: int
    status: str = Field(max_length=20, index=True)
    kanal: str = Field(max_length=20, index=True)
    jenis: str = Field(max_length=20)
    uraian: str = Field(sa_type=sa.Text)
    nama: str | None = Field(default=None, max_length=200)
    nik: str | None = Field(default=None, max_length=16, index=True)
    kk: str | None = Field(default=None, max_length=16)
    hp: str | None = Field(default=None, max_length=20, index=True)
    email: str | None = Field(default=None, max_length=200)
    alamat: str | None = Field(default=None, sa_type=sa.Text)
    anonim: bool = False
    rahasia: bool = False
    segera: bool = False
    nomor_lapor: str | None = Field(default=None, max_length=60)
    nomor_formulir: str | None = Field(default=None, max_length=60, index=True)
    sidik: str | None = Field(default=None, max_length=64, index=True)
    diterima: datetime = Field(sa_type=NaiveDateTime, index=True)
    dicatat: datetime = Field(sa_type=NaiveDateTime)
    petugas: str = Field(max_length=100)
    kategori: str | None = Field(default=None, max_length=40, index=True)
    kewenangan: bool | None = None
    unit: str | None = Field(default=None, max_length=200, index=True)
    tembusan: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    jawaban_normatif: str | None = Field(default=None, sa_type=sa.Text)
    didistribusikan: datetime | None = Field(default=None, sa_type=NaiveDateTime)
    tindaklanjut_terakhir: datetime | None = Field(default=None, sa_type=NaiveDateTime)
    ditutup: datetime | None = Field(default=None, sa_type=NaiveDateTime)
    hasil: str | None = Field(default=None, sa_type=sa.Text)
    tepat_waktu: bool | None = None
    dilaporkan_balik: bool | None = None
    skor: int | None = None
    komentar: str | None = Field(default=None, sa_type=sa.Text)
    sla_profil: str = Field(max_length=60)
    sla_satuan: str = Field(max_length=12)
    sla_nilai: int
    sla_perpanjangan: int = 0
    diperpanjang: bool = False  # the rule's one extension has been granted (`perpanjang`)
    #: ``gabung``: the number of the main case this duplicate was merged into (status
    #: ``digabung``); null for every other case.
    digabung_ke: str | None = Field(default=None, max_length=40, index=True)
    #: ``buka``: when the case was last reopened (the reporter disputed its answer); its
    #: deadline then runs from this moment. Null for a case never reopened.
    dibuka: datetime | None = Field(default=None, sa_type=NaiveDateTime)
    #: ``verifikasi --klasifikasi``: an aduan's classification, ``berkadar-pengawasan`` or
    #: ``tidak-berkadar-pengawasan`` (PermenPAN-RB 62/2018); null for other kinds and for an
    #: aduan not classified.
    klasifikasi: str | None = Field(default=None, max_length=40)
    #: The case's own random salt for the identity digest its history commits to (see
    #: ``case_state``); erased with the identity. Never shown.
    garam: str | None = Field(default=None, max_length=32)


class History(SQLModel, table=True):
    """One append-only entry of a case's history (riwayat), chained by hash."""

    __tablename__ = "riwayat"

    id: int | None = Field(default=None, primary_key=True)
    kasus_id: int = Field(foreign_key="kasus.id", index=True)
    waktu: datetime = Field(sa_type=NaiveDateTime)
    oleh: str = Field(max_length=100)
    aksi: str = Field(max_length=30)
    dari_status: str | None = Field(default=None, max_length=20)
    ke_status: str | None = Field(default=None, max_length=20)
    catatan: str | None = Field(default=None, sa_type=sa.Text)
    data: dict = Field(default_factory=dict, sa_type=sa.JSON)
    hash_sebelum: str = Field(max_length=64)
    hash: str = Field(max_length=64)
    #: The case's state after this entry (``case_state.state_digest``); null for entries
    #: written before schema 0006.
    keadaan: str | None = Field(default=None, max_length=80)
    #: When the entry was typed in; ``waktu`` is when the step really happened (``--pada``).
    #: Null for entries written before schema 0007.
    dicatat: datetime | None = Field(default=None, sa_type=NaiveDateTime)


class Setting(SQLModel, table=True):
    """Register-wide settings: office name, number prefix, time zone, SLA profile, chain head."""

    __tablename__ = "pengaturan"

    kunci: str = Field(primary_key=True, max_length=40)
    nilai: str = Field(sa_type=sa.Text)


class Counter(SQLModel, table=True):
    """The last number given per prefix and year; bumped under the write lock."""

    __tablename__ = "nomor_urut"

    prefiks: str = Field(primary_key=True, max_length=20)
    tahun: int = Field(primary_key=True)
    terakhir: int = 0


class OfficeDay(SQLModel, table=True):
    """A day the office itself declares off (``libur``) or a working day after all (``kerja``)."""

    __tablename__ = "hari_kantor"

    tanggal: date = Field(primary_key=True)
    jenis: str = Field(max_length=10)
    keterangan: str = Field(sa_type=sa.Text)
    sk: str | None = Field(default=None, max_length=100)
    dicatat: datetime = Field(sa_type=NaiveDateTime)
    oleh: str = Field(max_length=100)


class Pause(SQLModel, table=True):
    """A stretch during which the case's clock stands still (waiting for the reporter)."""

    __tablename__ = "jeda"

    id: int | None = Field(default=None, primary_key=True)
    kasus_id: int = Field(foreign_key="kasus.id", index=True)
    mulai: datetime = Field(sa_type=NaiveDateTime)
    selesai: datetime | None = Field(default=None, sa_type=NaiveDateTime)
    alasan: str = Field(sa_type=sa.Text)


class PackageYear(SQLModel, table=True):
    """A year's libur nasional and cuti bersama as the ``holidays`` package (``versi``) gave
    them: computing them costs ~200 ms, reading them back a fraction of a millisecond."""

    __tablename__ = "kalender_paket"

    tahun: int = Field(primary_key=True)
    versi: str = Field(max_length=40)
    hari: list = Field(default_factory=list, sa_type=sa.JSON)


class Access(SQLModel, table=True):
    """One case's identity handed out beyond the masked screens (``akses``): a workbook
    exported, a subject-access report (``pelapor``). ``lihat --lengkap`` is in the history."""

    __tablename__ = "akses"

    id: int | None = Field(default=None, primary_key=True)
    waktu: datetime = Field(sa_type=NaiveDateTime, index=True)
    petugas: str = Field(max_length=100)
    jenis: str = Field(max_length=20)
    nomor: str | None = Field(default=None, max_length=40, index=True)
    keterangan: str | None = Field(default=None, sa_type=sa.Text)


class Erasure(SQLModel, table=True):
    """An identity erased for good (``anonimkan``, ``retensi``): kept across a restore, so
    that an older backup never brings it back."""

    __tablename__ = "penghapusan"

    id: int | None = Field(default=None, primary_key=True)
    nomor: str = Field(max_length=40, index=True)
    waktu: datetime = Field(sa_type=NaiveDateTime)
    oleh: str = Field(max_length=100)
    alasan: str = Field(sa_type=sa.Text)
    kolom: list = Field(default_factory=list, sa_type=sa.JSON)


class AttachmentContent(SQLModel, table=True):
    """One file's content, stored once however often it is attached (keyed by SHA-256)."""

    __tablename__ = "lampiran_isi"

    sha256: str = Field(primary_key=True, max_length=64)
    ukuran: int
    isi: bytes = Field(sa_type=sa.LargeBinary)


class Attachment(SQLModel, table=True):
    """A file kept with a case (``lampiran``): a scan, a photo, a document. Personal data:
    never in the monev workbook."""

    __tablename__ = "lampiran"

    id: int | None = Field(default=None, primary_key=True)
    kasus_id: int = Field(foreign_key="kasus.id", index=True)
    sha256: str = Field(foreign_key="lampiran_isi.sha256", max_length=64, index=True)
    nama: str = Field(max_length=255)
    jenis: str = Field(max_length=10)
    ukuran: int
    keterangan: str | None = Field(default=None, sa_type=sa.Text)
    ditambahkan: datetime = Field(sa_type=NaiveDateTime)
    oleh: str = Field(max_length=100)
