-- The enrollment: drafts, partner accounts with their verification checks,
-- idempotency keys for Enroll now, the email outbox, and the company
-- registry that DUNS numbers are looked up in.

CREATE TABLE enrollment_drafts (
    tenant_id   TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- One partner account per tenant: the primary key says so.
CREATE TABLE partner_accounts (
    tenant_id           TEXT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    mpn_id              TEXT NOT NULL UNIQUE,
    country             TEXT NOT NULL,
    duns                TEXT,
    legal_name          TEXT NOT NULL,
    line1               TEXT NOT NULL,
    line2               TEXT NOT NULL,
    city                TEXT NOT NULL,
    state               TEXT NOT NULL,
    postal_code         TEXT NOT NULL,
    contact_first_name  TEXT NOT NULL,
    contact_last_name   TEXT NOT NULL,
    contact_email       TEXT NOT NULL,
    contact_phone       TEXT NOT NULL,
    contact_locale      TEXT NOT NULL,
    vetting_status      TEXT NOT NULL,
    program_status      TEXT NOT NULL,
    created_by          TEXT NOT NULL REFERENCES users (id),
    created_at          BIGINT NOT NULL
);

CREATE TABLE verification_checks (
    tenant_id   TEXT NOT NULL REFERENCES partner_accounts (tenant_id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    status      TEXT NOT NULL,
    reason      TEXT,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind)
);

-- A response is NULL while its request is in flight.
CREATE TABLE idempotency_keys (
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key      TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER,
    response      TEXT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

-- Email-verification links: only a hash of the token is stored.
CREATE TABLE email_tokens (
    token_hash  TEXT PRIMARY KEY,
    tenant_id   TEXT NOT NULL REFERENCES partner_accounts (tenant_id) ON DELETE CASCADE,
    email       TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT,
    outcome     TEXT
);
CREATE INDEX email_tokens_tenant ON email_tokens (tenant_id);

CREATE TABLE outbox (
    id          TEXT PRIMARY KEY,
    to_address  TEXT NOT NULL,
    locale      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body_text   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    sent_at     BIGINT
);
CREATE INDEX outbox_to ON outbox (to_address);

CREATE TABLE company_registry (
    duns         TEXT PRIMARY KEY,
    country      TEXT NOT NULL,
    legal_name   TEXT NOT NULL,
    line1        TEXT NOT NULL,
    line2        TEXT NOT NULL,
    city         TEXT NOT NULL,
    state        TEXT NOT NULL,
    postal_code  TEXT NOT NULL
);

-- Sample registry: fictitious companies, written for this project.
INSERT INTO company_registry (duns, country, legal_name, line1, line2, city, state, postal_code) VALUES
('081466849', 'US', 'Contoso Ltd.', '1 Contoso Way', 'Building 92', 'Redmond', 'WA', '98052'),
('118274556', 'US', 'Northwind Traders, Inc.', '4567 Harbor Boulevard', 'Suite 1200', 'Seattle', 'WA', '98101-2345'),
('602331874', 'US', 'Adventure Works Cycles LLC', '88 Mountain View Road', '', 'Boulder', 'CO', '80302'),
('337210945', 'CA', 'Tailspin Toys Canada Inc.', '250 Front Street West', 'Floor 7', 'Toronto', 'ON', 'M5V 3G5'),
('245880113', 'CA', 'Fourth Coffee Torréfacteurs Ltée', '1200 rue Sainte-Catherine Ouest', '', 'Montréal', 'QC', 'H3B 1K9'),
('210558741', 'GB', 'The Graphic Design Institute for Advanced Visual Communication and Interactive Media Studies Limited', '27 Old Gloucester Street', '', 'London', '', 'WC1N 3AX'),
('219004563', 'GB', 'Woodgrove Bank plc', '1 Threadneedle Walk', '', 'London', '', 'EC2R 8AH'),
('315667201', 'DE', 'Müller & Söhne Fabrikam GmbH', 'Königsallee 92a', '', 'Düsseldorf', '', '40212'),
('342198870', 'DE', 'Lucerne Publishing Verlagsgesellschaft mbH', 'Friedrichstraße 68', '3. OG', 'Berlin', '', '10117'),
('275430098', 'FR', 'Société Proseware SAS', '12 rue de la Paix', '', 'Paris', '', '75002'),
('276119834', 'FR', 'Coho Vignobles et Châteaux SARL', '5 quai des Chartrons', '', 'Bordeaux', '', '33000'),
('402871156', 'NL', 'Wide World Importers B.V.', 'Herengracht 420', '', 'Amsterdam', '', '1017 BZ'),
('650349127', 'IN', 'Relecloud Technologies Private Limited', 'Embassy Tech Village, Outer Ring Road', 'Tower B, 5th Floor', 'Bengaluru', 'KA', '560103'),
('651882034', 'IN', 'Trey Research India LLP', '21 Nariman Point', '', 'Mumbai', 'MH', '400021'),
('690124488', 'JP', '株式会社ノースウィンド・ジャパン', '港区港南2-16-3', '品川グランドセントラルタワー', '東京', '13', '108-0075'),
('697330215', 'JP', 'Alpine Ski House K.K.', '1-1 Kita 5-jo Nishi, Chuo-ku', '', 'Sapporo', '01', '060-0005'),
('545117802', 'CN', '北京法布里坎科技有限公司', '海淀区丹棱街5号', '', '北京', 'BJ', '100080'),
('548802267', 'CN', '上海沃德格罗夫贸易有限公司', '浦东新区世纪大道100号', '环球金融中心 58 楼', '上海', 'SH', '200120'),
('656478213', 'TW', '台灣康拓股份有限公司', '信義區忠孝東路五段68號', '35樓', '台北市', '', '110'),
('656901174', 'TW', '瑪吉旅行社股份有限公司', '中正區重慶南路一段122號', '', '台北市', '', '100007'),
('875530116', 'HK', 'Wingtip Toys (Hong Kong) Limited', '18 Harbour Road, Wan Chai', 'Central Plaza, 40/F', 'Hong Kong', '', ''),
('595112348', 'SG', 'Lamna Healthcare Pte. Ltd.', '1 Raffles Place', '#20-61 One Raffles Place Tower 2', 'Singapore', '', '048616'),
('750021467', 'AU', 'Blue Yonder Airlines Pty Ltd', '1 Macquarie Place', 'Level 15', 'Sydney', 'NSW', '2000'),
('898543210', 'BR', 'Comércio Wingtip Ltda.', 'Avenida Paulista, 1578', 'Conjunto 42', 'São Paulo', 'SP', '01310-200'),
('432776519', 'ES', 'Humongous Insurance España, S.A.', 'Paseo de la Castellana 259', '', 'Madrid', '', '28046'),
('455670981', 'SE', 'VanArsdel Möbler AB', 'Drottninggatan 53', '', 'Stockholm', '', '111 21'),
('522013748', 'KR', '트레이 리서치 코리아 주식회사', '강남구 테헤란로 152', '강남파이낸스센터 20층', '서울', '', '06236'),
('560439982', 'MX', 'Consolidated Messenger de México, S.A. de C.V.', 'Paseo de la Reforma 505', 'Piso 31', 'Ciudad de México', 'CDMX', '06500'),
('561847735', 'ZA', 'City Power & Light (Pty) Ltd', '144 Oxford Road', '', 'Johannesburg', 'Gauteng', '2196'),
('580099213', 'AE', 'Best For You Organics Trading LLC', 'Sheikh Zayed Road, Emirates Towers', 'Level 41', 'Dubai', '', '');
