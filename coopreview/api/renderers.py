from rest_framework.renderers import BrowsableAPIRenderer


class BrowsableAPIWithoutForms(BrowsableAPIRenderer):
    """DRF's browsable pages without their HTML forms: those would be built from the output serializers
    (not the inputs the views accept) and list every related row as a choice, e.g. every source, even
    one holding only records the reader may not open. The raw JSON form stays."""

    def get_rendered_html_form(self, data, view, method, request):
        return None
