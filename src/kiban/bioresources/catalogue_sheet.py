"""The catalogue as a download (CSV or Excel), with the columns the public page shows."""

from django.utils.translation import gettext as _

from kiban.core.exports import Column, ColumnKind, Sheet


def catalogue_sheet(resources) -> Sheet:
    return Sheet(
        title=_("Bioresource catalogue"),
        columns=[
            Column(_("Number")),
            Column(_("Name")),
            Column(_("Type")),
            Column(_("Species")),
            Column(_("NCBI Taxonomy id"), ColumnKind.INTEGER),
            Column(_("Class")),
            Column(_("Centre")),
            Column(_("BSL"), ColumnKind.INTEGER),
            Column(_("Form")),
            Column(_("Genotype")),
            Column(_("Strain background")),
            Column(_("Accession")),
            Column(_("Insert")),
            Column(_("Vector")),
            Column(_("Host range")),
            Column(_("Availability")),
            Column(_("In stock"), ColumnKind.INTEGER),
            Column(_("Academic price (yen, example)"), ColumnKind.YEN),
            Column(_("Company price (yen, example)"), ColumnKind.YEN),
        ],
        rows=(
            (
                r.number,
                r.name,
                r.get_resource_type_display(),
                r.species.scientific_name,
                r.species.taxonomy_id,
                r.get_resource_class_display(),
                r.centre.display_name,
                r.bsl,
                r.get_form_display(),
                r.genotype,
                r.strain_background,
                r.accession,
                r.insert,
                r.vector,
                r.host_range,
                r.get_availability_display(),
                r.in_stock,
                r.academic_price_yen,
                r.company_price_yen,
            )
            for r in resources
        ),
    )
