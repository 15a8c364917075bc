// allauth's WebAuthn script reports a failed ceremony (cancelled, timed out, no key)
// as an "allauth.error" event: say so in the page, next to the button, instead
// of in the console only.
document.addEventListener('allauth.error', function (event) {
  const tags = (event.detail && event.detail.tags) || []
  if (tags.indexOf('webauthn') === -1) return
  event.preventDefault()
  document.querySelectorAll('.webauthn-error').forEach(function (element) {
    element.hidden = false
  })
})
