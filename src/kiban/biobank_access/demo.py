"""Demo data: curators for BBJ and NCBN beside the TMM one, the access committee's rubric, two saved searches
of the demo researcher and access requests in several states, every one made through the services (so the
timelines, the reviews and the agreements are real): a draft; a request being handled by three biobanks (one
of them overdue); and one closed, BBJ having approved it through its committee, signed the data-use
agreement and made the data available, NCBN having found nothing to give."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kiban.biobank.models import Biobank, SavedSearch
from kiban.biobank.services import saved_search_create
from kiban.core.audit import audited_save
from kiban.core.choices import Role
from kiban.core.demo import demo_user
from kiban.core.models import User
from kiban.reviews import services as reviews
from kiban.reviews.models import Rubric

from . import services
from .choices import CommitteeDecision
from .models import AccessRequest

CURATORS = {
    # biobank code: (user name, display name, e-mail)
    "BBJ": ("bbj_curator", "小林 直子", "bbj@example.jp"),
    "NCBN": ("ncbn_curator", "加藤 翔", "ncbn@example.jp"),
}
RUBRIC = "試料・情報分譲審査（デモ）"
SEARCHES = {
    "喘息の女性 40〜60歳（血清あり）": {
        "and": [{"disease": "J45"}, {"sex": "female"}, {"age": {"min": 40, "max": 60}}, {"material": "serum"}]
    },
    "2型糖尿病（全ゲノムあり）": {"and": [{"disease": "E11"}, {"data": "wgs"}]},
}
IRB_PDF = b"%PDF-1.4\n% demo ethics approval\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _irb_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("ethics-approval-demo.pdf", IRB_PDF, content_type="application/pdf")


def _fields(**changes) -> dict:
    fields = {
        "project_summary": "日本人集団における疾患の遺伝的背景を明らかにする研究（デモ）。",
        "irb_committee": "京都大学大学院医学研究科・医学部及び医学部附属病院 医の倫理委員会",
        "irb_number": "R9999（デモ）",
        "irb_approved_on": datetime.date(2026, 4, 1),
        "wants_samples": False,
        "wants_data": True,
        "amount_detail": "全ゲノム配列（CRAM）と臨床情報（診断名・年齢・性別）",
        "data_use_terms": "本研究のみに使用し、京都大学のセキュアな解析環境で保管する。再識別は試みない。",
        "terms_accepted": True,
    }
    fields.update(changes)
    return fields


def _rubric() -> Rubric:
    rubric = Rubric.objects.filter(name=RUBRIC).first()
    if rubric is not None:
        return rubric
    return reviews.rubric_create(
        name=RUBRIC,
        name_en="Access committee review (demo)",
        scale_min=1,
        scale_max=5,
        aggregation="mean",
        higher_is_better=True,
        criteria=[
            {"name": "科学的妥当性", "name_en": "Scientific merit"},
            {"name": "倫理的配慮と同意の範囲", "name_en": "Ethics and the scope of consent"},
            {"name": "試料・情報の適合性", "name_en": "Fit of the samples and data asked for"},
        ],
    )


def committee_decide(*, part, outcome: str, rationale: str, actor: User) -> None:
    """The biobank's committee reviews the part and decides (a round opened, closed and decided)."""
    part = type(part).objects.select_related("biobank", "request").get(pk=part.pk)  # as it stands now
    round_ = reviews.review_round_open(
        target=part,
        rubric=_rubric(),
        title=f"{part.biobank.code} 分譲審査: {part.request.title}",
        blind=False,
        due_date=None,
        actor=actor,
    )
    reviews.review_round_close(round=round_, actor=actor)
    reviews.decision_record(round=round_, outcome=outcome, rationale=rationale, actor=actor)


def _request(researcher, search, biobanks, title, **fields) -> AccessRequest | None:
    if AccessRequest.objects.filter(created_by=researcher, title=title).exists():
        return None
    return services.request_create(
        actor=researcher, saved_search=search, biobanks=biobanks, title=title, **_fields(**fields)
    )


def _submitted(researcher, search, biobanks, title, **fields) -> AccessRequest | None:
    access = _request(researcher, search, biobanks, title, **fields)
    if access is None:
        return None
    services.request_irb_attach(request=access, upload=_irb_file(), actor=researcher)
    return services.request_submit(request=access, actor=researcher)


def _curator(code: str, biobanks: dict[str, Biobank]) -> User | None:
    biobank = biobanks.get(code)
    if biobank is None:
        return None
    if code in CURATORS:
        username, name, email = CURATORS[code]
        return demo_user(username, name, biobank.organisation, Role.BIOBANK_CURATOR, "分譲担当", email)
    return User.objects.filter(
        memberships__organisation=biobank.organisation, memberships__role=Role.BIOBANK_CURATOR
    ).first()


def load_biobank_access() -> None:
    """Creates what is not there yet; running it again changes nothing."""
    researcher = User.objects.filter(username="researcher").first()
    biobanks = {b.code: b for b in Biobank.objects.select_related("organisation")}
    if researcher is None or not biobanks:
        return
    with transaction.atomic():
        curators = {code: _curator(code, biobanks) for code in biobanks}
        _rubric()
        searches = {}
        for name, tree in SEARCHES.items():
            searches[name] = SavedSearch.objects.filter(
                user=researcher, name=name
            ).first() or saved_search_create(user=researcher, name=name, tree=tree)
        asthma, diabetes = searches.values()
        chosen = [biobanks[code] for code in ("BBJ", "TMM", "NCBN") if code in biobanks]

        _request(
            researcher,
            asthma,
            chosen[:2],
            "血清プロテオーム解析（下書き・デモ）",
            wants_samples=True,
            wants_data=False,
            participants_wanted=200,
            aliquots_per_participant=1,
            amount_detail="血清 0.5 mL × 200名",
        )

        handled = _submitted(
            researcher,
            asthma,
            chosen,
            "成人喘息の遺伝的背景研究（デモ）",
            wants_samples=True,
            participants_wanted=100,
            aliquots_per_participant=1,
            amount_detail="血清 0.5 mL × 100名、SNPアレイデータ",
        )
        if handled is not None:
            parts = {p.biobank.code: p for p in handled.parts.select_related("biobank")}
            if "BBJ" in parts and curators.get("BBJ"):
                services.part_check_start(
                    part=parts["BBJ"], actor=curators["BBJ"], note="在庫を確認しています。"
                )
            if "TMM" in parts and curators.get("TMM"):
                tmm, curator = parts["TMM"], curators["TMM"]
                services.part_check_start(part=tmm, actor=curator)
                services.part_mark_available(part=tmm, actor=curator, note="条件に合う血清があります。")
                services.part_conditions_indicate(
                    part=tmm,
                    actor=curator,
                    conditions="東北メディカル・メガバンク所定の分譲申請書の提出と、成果発表時の謝辞をお願いします。",
                )
            if "NCBN" in parts:
                # Left unanswered: the demo dates its last step 20 days back, so the desk marks it overdue.
                ncbn = parts["NCBN"]
                ncbn.moved_at = timezone.now() - datetime.timedelta(days=20)
                audited_save(ncbn, actor=None, reason="Demo data loaded", update_fields=["moved_at"])
                ncbn.events.update(at=ncbn.moved_at)

        closed_banks = [biobanks[code] for code in ("BBJ", "NCBN") if code in biobanks]
        closed = _submitted(researcher, diabetes, closed_banks, "2型糖尿病の全ゲノム関連解析（デモ）")
        if closed is not None:
            parts = {p.biobank.code: p for p in closed.parts.select_related("biobank")}
            if "BBJ" in parts and curators.get("BBJ"):
                bbj, curator = parts["BBJ"], curators["BBJ"]
                services.part_check_start(part=bbj, actor=curator)
                services.part_mark_available(part=bbj, actor=curator)
                services.part_conditions_met(part=bbj, actor=curator, note="追加の条件はありません。")
                committee_decide(
                    part=bbj,
                    outcome=CommitteeDecision.APPROVE,
                    rationale="研究計画は妥当で、同意の範囲内です。",
                    actor=curator,
                )
                bbj.refresh_from_db()
                (agreement,) = services.part_agreement_send(part=bbj, actor=curator)
                services.part_agreement_sign(
                    part=bbj, agreement=agreement, signed_on=timezone.localdate(), actor=curator
                )
                services.part_provide(part=bbj, actor=curator, note="解析環境のアカウントを発行しました。")
            if "NCBN" in parts and curators.get("NCBN"):
                ncbn, curator = parts["NCBN"], curators["NCBN"]
                services.part_check_start(part=ncbn, actor=curator)
                services.part_mark_unavailable(
                    part=ncbn, actor=curator, reason="条件に合う全ゲノムデータを保有していません。"
                )
