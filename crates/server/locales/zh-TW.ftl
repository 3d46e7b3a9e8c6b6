# The server's own Traditional Chinese texts: the details of problem
# answers, by problem code. Titles and field messages come from the app's
# catalog (locales/zh-TW.ftl, keys err-<code>), so a client reads the same
# words the app shows. A problem whose English detail has no entry here is
# answered in Chinese without a detail (its title already says it all).

detail-malformed_json = 解析錯誤：{ $detail }
detail-rate_limited = 請於 { $seconds } 秒後再試一次。
detail-busy = 請於 { $seconds } 秒後再試一次，您送出的內容都沒有儲存。
detail-timeout = 請再試一次。如果您正在儲存資料，請先確認是否已經儲存。
detail-unavailable = 您送出的內容都沒有儲存。
detail-internal = 如果一直發生，請與支援人員聯絡。
detail-csrf_refused = 狀態變更的要求必須附上 X-Requested-With: partner-center 標頭，並來自應用程式本身的網站或允許的來源。
detail-country_unknown = 請使用 ISO 3166-1 二位字母代碼，例如 TW 或 US。
detail-duns_not_found = 請檢查號碼，或自行輸入商務資料。
detail-idempotency_key_required = 請送出 8 到 128 個英文字母、數字或「-」「_」「.」「:」字元，用來識別這個要求；重試時沿用同一個值。
detail-request_in_flight = 請稍候，再以同一個 Idempotency-Key 重試。
detail-already_enrolled = 每個租用戶只有一個合作夥伴帳戶，請開啟儀表板查看。
detail-link_unknown = 請確認您開啟的是郵件中的完整連結。
detail-agreement_version_unknown = 請重新讀取目前的合約版本，再接受一次。
detail-admin_disabled = 請以 --operator-token（OPERATOR_TOKEN）啟動伺服器，才能使用審核人員介面。
detail-check_not_reviewable = 電子郵件所有權由主要連絡人透過郵件中的連結確認。
detail-password_change_required = 這個帳戶是以暫時密碼登入的。
