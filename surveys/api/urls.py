"""URLs of the surveys' API, mounted under /api/v1/ by the shell."""

from django.urls import path

from assessor.api.urls import ORG, WAVE
from surveys.api import instruments, responses, waves

urlpatterns = [
    path("instruments/", instruments.InstrumentList.as_view(), name="instruments"),
    path("instruments/<id:pk>/", instruments.InstrumentDetail.as_view(), name="instrument"),
    path(ORG + "waves/", waves.WaveList.as_view(), name="waves"),
    path(WAVE, waves.WaveDetail.as_view(), name="wave"),
    path(WAVE + "open/", waves.WaveOpen.as_view(), name="wave-open"),
    path(WAVE + "close/", waves.WaveClose.as_view(), name="wave-close"),
    path(WAVE + "reopen/", waves.WaveReopen.as_view(), name="wave-reopen"),
    path("responses/<str:token>/", responses.ResponseForm.as_view(), name="response"),
    path("responses/<str:token>/submit/", responses.ResponseSubmit.as_view(), name="response-submit"),
]
