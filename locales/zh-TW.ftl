# 合作夥伴中心註冊 — 中文（台灣）

product-name = 合作夥伴中心
language-label = 語言
signed-in-as = 目前登入身分
sign-out = 登出
sign-out-failed = 伺服器沒有回應，因此無法將您登出。請檢查網路連線後再試一次。
footer-note = 合作夥伴中心註冊。您的資料會以安全的方式傳送，只用於驗證您的組織。
skip-to-main = 跳到主要內容

network-title = 無法連線到合作夥伴中心。
network-body = 您輸入的內容都還在。請檢查網路連線，然後再試一次。
network-retry = 再試一次
network-retrying = 正在重試…

error-summary-title = 有些地方需要修正
error-prefix = 錯誤：
password-show = 顯示
password-hide = 隱藏
next = 下一步

stepper-label = 註冊進度
stepper-compact = 第 { $current } 步，共 { $total } 步
stepper-done = （已完成）
step-account = 公司帳戶
step-company = 法定商務資料
step-contact = 主要連絡人
step-review = 確認您的答案
step-agreement = 合約
step-done = 確認

welcome-title = 註冊合作夥伴中心
welcome-lead = 加入 Microsoft 合作夥伴網路，與 Microsoft 一起銷售、開發並成長。註冊大約需要 10 分鐘。
welcome-need-title = 開始之前，請準備好下列資料
welcome-need-admin = 貴公司全域管理員的公司電子郵件與密碼，或建立新公司帳戶所需的資料。
welcome-need-business = 貴公司的法定商務名稱與登記地址，須與向政府登記的內容完全相同。
welcome-need-authority = 代表貴公司簽署法律合約的權限。
welcome-need-contact = 主要連絡人的姓名與公司電子郵件，我們會寄送驗證電子郵件給這位連絡人。
welcome-next-title = 註冊之後會發生什麼事
welcome-next-body = 我們會寄電子郵件給您的主要連絡人，確認該地址屬於貴公司，接著驗證您的雇用關係與公司。大多數公司會在 3 個工作天內完成驗證；您可以在儀表板上追蹤每一項檢查。

not-found-title = 找不到這個頁面
not-found-body = 網址可能輸入錯誤，或頁面已經移動。
not-found-link = 回到註冊的第一步

account-title = 公司帳戶
account-checking = 正在確認您的登入狀態…
account-lead = 請以貴公司全域管理員的身分登入公司帳戶，或為貴公司建立新的公司帳戶。
account-choice-label = 您要如何繼續？
account-choice-sign-in = 我已經有公司帳戶
account-choice-create = 建立帳戶
account-signed-in = 您已登入為 { $name }。
account-email = 公司電子郵件
account-domain = 公司網域
account-role = 角色
account-role-other = 不是全域管理員
account-signed-in-next = 您的公司帳戶已經準備好了。您可以讓這個頁面保持開啟，或稍後再回來，登入狀態都會保留。

create-title = 建立公司帳戶
create-domain = 公司網域
create-domain-hint = 貴公司電子郵件地址使用的網域，例如 contoso.com。
create-first-name = 名字
create-last-name = 姓氏
create-email = 公司電子郵件
create-email-hint = 必須是公司網域的地址。您將成為新帳戶的全域管理員。
create-password = 密碼
create-password-hint = 至少 12 個字元。一句簡短的句子好記，又不容易被猜到。
create-submit = 建立帳戶
create-submitting = 正在建立帳戶…

sign-in-title = 登入
sign-in-email = 公司電子郵件
sign-in-password = 密碼
sign-in-submit = 登入
sign-in-submitting = 正在登入…
sign-in-wait = 為了保護您的帳戶，請等候 { $seconds } 秒後再試一次。

role-global_admin = 全域管理員
role-user_management_admin = 使用者管理系統管理員
role-admin_agent = 管理員代理人
role-billing_admin = 帳務管理員
role-sales_agent = 銷售代理人
role-helpdesk_agent = 技術支援代理人
role-mpn_partner_admin = MPN 合作夥伴管理員
role-account_admin = 帳戶管理員
role-referrals_admin = 轉介管理員
role-business_profile_admin = 商務設定檔管理員
role-incentives_admin = 獎勵管理員
role-report_viewer = 報表檢視者
role-executive_report_viewer = 主管報表檢視者

# 驗證與伺服器錯誤（依代碼）
err-invalid = 這個值無效。
err-required = 請輸入內容。
err-too_long = 內容太長。
err-email_invalid = 請以 name@company.com 的格式輸入電子郵件地址。
err-email_too_long = 電子郵件地址最多 254 個字元。
err-email_consumer = 請使用公司電子郵件，不要使用 Gmail、Outlook.com 等個人信箱。
err-email_sign_in_only = 請使用貴公司自有網域的電子郵件，不要使用 onmicrosoft.com 等僅供登入的網域。
err-email_domain_mismatch = 公司電子郵件必須屬於您輸入的公司網域。
err-domain_invalid = 請以 company.com 的格式輸入網域，不要包含 https:// 或路徑。
err-domain_consumer = 請輸入貴公司自有的網域，不要使用個人信箱服務的網域。
err-domain_sign_in_only = 請輸入貴公司自有的網域，不要使用 onmicrosoft.com 等僅供登入的網域。
err-name_too_long = 姓名最多 50 個字元。
err-name_invalid_chars = 姓名只能包含文字、空格、撇號、連字號和句點。
err-password_too_short = 請至少使用 12 個字元。
err-password_too_long = 最多只能使用 128 個字元。
err-password_common = 這個密碼太常見了，請選擇較難猜到的密碼。
err-password_contains_email = 密碼不能包含您的電子郵件名稱。
err-domain_taken = 這個網域已經有公司帳戶，請改用該帳戶登入。
err-email_taken = 這個電子郵件已經有公司帳戶，請改用該帳戶登入。
err-invalid_type = 這個值的類型不正確。
err-unknown_field = 這個欄位不屬於此要求。
err-missing_field = 要求中缺少這個欄位。
err-invalid_credentials = 電子郵件或密碼不正確。
err-rate_limited = 嘗試次數過多，請稍候再試。
err-unauthenticated = 您尚未登入，請先登入再繼續。
err-validation_failed = 有些答案需要您留意。
err-conflict = 這與現有的帳戶衝突。
err-not_found = 找不到您要的內容。
err-unavailable = 服務暫時無法使用。您送出的內容都沒有儲存，請稍後再試一次。
err-internal = 我們這邊發生問題。請再試一次；如果一直發生，請與支援人員聯絡。
err-malformed_json = 應用程式送出的要求無法被伺服器讀取。請重新整理頁面後再試一次。
err-unsupported_media_type = 應用程式送出的要求無法被伺服器讀取。請重新整理頁面後再試一次。
err-payload_too_large = 您送出的內容太大。
err-status = 伺服器回應了非預期的錯誤，請再試一次。
err-network = 無法連線到合作夥伴中心。請檢查網路連線，然後再試一次。
err-invalid_chars = 請移除換行及其他控制字元。
err-country_unknown = 請從清單中選擇國家或地區。
err-state_unknown = 請從清單中選擇州或省。
err-postal_invalid = 請依照這個國家或地區使用的格式輸入郵遞區號。
err-phone_invalid = 請輸入含區碼的電話號碼，例如 +886 2 2345 6789。
err-duns_invalid = DUNS 號碼必須剛好是 9 位數字。
