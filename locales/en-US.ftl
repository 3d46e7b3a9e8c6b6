# Partner Center enrollment — English (United States)

product-name = Partner Center
language-label = Language
signed-in-as = Signed in as
sign-out = Sign out
sign-out-failed = We couldn't sign you out because the server didn't answer. Check your connection and try again.
footer-note = Partner Center enrollment. Your answers are sent securely and used only to verify your organization.
skip-to-main = Skip to main content

network-title = We couldn't reach Partner Center.
network-body = Nothing you typed has been lost. Check your connection, then try again.
network-retry = Try again
network-retrying = Trying again…

error-summary-title = There is a problem
error-prefix = Error:
password-show = Show
password-hide = Hide
next = Next

stepper-label = Enrollment progress
stepper-compact = Step { $current } of { $total }
stepper-done = (completed)
step-account = Work account
step-company = Legal business profile
step-contact = Primary contact
step-review = Check your answers
step-agreement = Agreement
step-done = Confirmation

welcome-title = Enroll in Partner Center
welcome-lead = Join the Microsoft Partner Network to sell, build and grow with Microsoft. Enrollment takes about 10 minutes.
welcome-need-title = Before you start, have these ready
welcome-need-admin = The work email and password of your company's global admin, or the details to create a new work account.
welcome-need-business = Your company's legal business name and registered address, exactly as registered with your government.
welcome-need-authority = The authority to sign legal agreements on behalf of your company.
welcome-need-contact = The name and work email of the primary contact who will receive our verification email.
welcome-next-title = What happens after you enroll
welcome-next-body = We email your primary contact to confirm the address belongs to your company, then verify your employment and your business. Most companies are verified within 3 business days; you can follow each check on your dashboard.

not-found-title = We can't find that page
not-found-body = The address may be mistyped, or the page may have moved.
not-found-link = Go to the start of enrollment

account-title = Work account
account-checking = Checking whether you're signed in…
account-lead = Sign in with your company's work account as its global admin, or create a new work account for your company.
account-choice-label = How do you want to continue?
account-choice-sign-in = I have a work account
account-choice-create = Create one
account-signed-in = You're signed in as { $name }.
account-email = Work email
account-domain = Company domain
account-role = Role
account-role-other = Not a global admin
account-signed-in-next = Your work account is ready. Keep this page open or come back later: you'll stay signed in.

create-title = Create a work account
create-domain = Company domain
create-domain-hint = The domain your company's email addresses use, for example contoso.com.
create-first-name = First name
create-last-name = Last name
create-email = Work email
create-email-hint = Must be on your company domain. You'll be the global admin of the new account.
create-password = Password
create-password-hint = At least 12 characters. A short sentence is easy to remember and hard to guess.
create-submit = Create account
create-submitting = Creating account…

sign-in-title = Sign in
sign-in-email = Work email
sign-in-password = Password
sign-in-submit = Sign in
sign-in-submitting = Signing in…
sign-in-wait = For your security, wait { $seconds } seconds before trying again.

role-global_admin = Global admin
role-user_management_admin = User management admin
role-admin_agent = Admin agent
role-billing_admin = Billing admin
role-sales_agent = Sales agent
role-helpdesk_agent = Helpdesk agent
role-mpn_partner_admin = MPN partner admin
role-account_admin = Account admin
role-referrals_admin = Referrals admin
role-business_profile_admin = Business profile admin
role-incentives_admin = Incentives admin
role-report_viewer = Report viewer
role-executive_report_viewer = Executive report viewer

# Validation and server problems, by code.
err-invalid = This value is not valid.
err-required = Enter a value.
err-too_long = This is too long.
err-email_invalid = Enter an email address in the format name@company.com.
err-email_too_long = An email address can be at most 254 characters.
err-email_consumer = Use your work email, not a personal mailbox such as Gmail or Outlook.com.
err-email_sign_in_only = Use an email on your company's own domain, not a sign-in-only domain such as onmicrosoft.com.
err-email_domain_mismatch = Your work email must be on the company domain you entered.
err-domain_invalid = Enter a domain in the format company.com, without https:// or a path.
err-domain_consumer = Enter your company's own domain, not a personal mailbox provider.
err-domain_sign_in_only = Enter your company's own domain, not a sign-in-only domain such as onmicrosoft.com.
err-name_too_long = A name can be at most 50 characters.
err-name_invalid_chars = A name can contain letters, spaces, apostrophes, hyphens and periods.
err-password_too_short = Use at least 12 characters.
err-password_too_long = Use at most 128 characters.
err-password_common = This password is too common. Choose one that is harder to guess.
err-password_contains_email = The password must not contain your email name.
err-domain_taken = This domain already has a work account. Sign in with it instead.
err-email_taken = This email already has a work account. Sign in with it instead.
err-invalid_type = This value has the wrong type.
err-unknown_field = This field is not part of the request.
err-missing_field = This field is missing from the request.
err-invalid_credentials = The email or password is incorrect.
err-rate_limited = Too many attempts. Wait a little, then try again.
err-unauthenticated = You're not signed in. Sign in to continue.
err-validation_failed = Some answers need your attention.
err-conflict = This conflicts with an existing account.
err-not_found = We couldn't find what you asked for.
err-unavailable = The service is temporarily unavailable. Nothing you sent was saved; try again in a moment.
err-internal = Something went wrong on our side. Try again; if it keeps happening, contact support.
err-malformed_json = The app sent a request the server couldn't read. Reload the page and try again.
err-unsupported_media_type = The app sent a request the server couldn't read. Reload the page and try again.
err-payload_too_large = What you sent is too large.
err-status = The server answered with an unexpected error. Try again.
err-network = We couldn't reach Partner Center. Check your connection, then try again.
err-invalid_chars = Remove line breaks and other control characters.
err-country_unknown = Choose a country or region from the list.
err-state_unknown = Choose a state or province from the list.
err-postal_invalid = Enter a postal code in the format used in this country or region.
err-phone_invalid = Enter a phone number with its area code, for example +1 425 555 0100.
err-duns_invalid = A DUNS number has exactly 9 digits.
