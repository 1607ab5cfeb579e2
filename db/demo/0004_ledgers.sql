-- The rectification ledgers (整改台账) of the two source documents (../shared/seeds):
-- - the demo zone's: the Lianshui report (涟开委发〔2024〕38号) on the city's special inspection of idle and
--   low-efficiency land and buildings, its 14 findings as the report numbers them, with the statuses the report
--   gives (done, or still being pushed), linked to the demo's parcels and enterprises where the demo has them, and
--   targets the register measures itself: the 2024 reserve target, the low-efficiency plots of §2 and §6 revitalized,
--   the enterprises evaluated, no raw land supplied, land used as planned (a completed item whose target is unmet:
--   the ledger shows it inconsistent);
-- - the Yongzhou zone's: the 26 findings of the provincial inspection of 2023, with the report's 完成 / 阶段性完成.
-- A completed item carries its evidence (a one-page PDF naming the report) and its progress entry, as the API
-- requires of an item marked completed.

INSERT INTO zone (code, name, gk_epsg, created_by, updated_by) VALUES ('YZJK', '永州经济技术开发区', 4546, 'demo', 'demo');

INSERT INTO ledger_source (zone_code, title, issued_by, issued_on, kind, document_ref, created_by) VALUES
    ('LSKFQ', '市委专项巡察开发园区低效闲置用地房屋突出问题反馈意见', '中共淮安市委专项巡察组', DATE '2024-01-25', 'inspection',
     '涟开委发〔2024〕38号 涟水经济开发区关于市委专项巡察整改情况的通报', 'demo'),
    ('YZJK', '省委第九巡视组延伸巡视永州经开区反馈意见', '中共湖南省委第九巡视组', DATE '2023-07-19', 'inspection',
     '中共永州经济技术开发区工作委员会关于巡视整改进展情况的通报', 'demo');

-- One item, with its progress entry as of the report's date and, when completed, its evidence.
CREATE FUNCTION pg_temp.ledger_item(
    zone text, number text, category text, status text, problem text, measures text[], progress text, reported date,
    deadline date, long_term boolean, parcel_ids bigint[] DEFAULT '{}', enterprise_codes text[] DEFAULT '{}',
    targets jsonb DEFAULT '[]') RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    source bigint := (SELECT id FROM ledger_source WHERE zone_code = zone);
    item bigint;
    pdf bytea;
    evidence bigint[] := '{}';
BEGIN
    INSERT INTO ledger_item (source_id, zone_code, number, problem, measures, lead_unit, cooperating_units, deadline, long_term,
                             category, status, completed_by, parcel_ids, enterprise_codes, targets, created_by, updated_by)
    VALUES (source, zone, number, problem, measures,
            CASE zone WHEN 'LSKFQ' THEN '开发区党工委、管委会' ELSE '永州经开区党工委' END,
            CASE zone WHEN 'LSKFQ' THEN ARRAY['经发局', '资规分局', '新港公司'] ELSE '{}'::text[] END,
            deadline, long_term, category, status, CASE WHEN status = 'completed' THEN 'demo' END,
            parcel_ids, enterprise_codes, targets, 'demo', 'demo')
    RETURNING id INTO item;
    IF status = 'completed' THEN
        pdf := convert_to(format(E'%%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
            '2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n'
            '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n'
            '4 0 obj<</Length 60>>stream\nBT /F1 12 Tf 72 770 Td (Rectification report, item %s) Tj ET\nendstream endobj\n'
            '5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%%%EOF\n', number), 'UTF8');
        INSERT INTO ledger_evidence (item_id, file_name, media_type, size_bytes, sha256, content, description, uploaded_by)
        VALUES (item, format('%s-%s.pdf', zone, number), 'application/pdf', length(pdf), encode(sha256(pdf), 'hex'), pdf,
                '整改情况通报（摘录）', 'demo')
        RETURNING ARRAY[id] INTO evidence;
    END IF;
    INSERT INTO ledger_progress (item_id, entry_date, text, status_from, status_to, evidence_ids, actor)
    VALUES (item, reported, progress, 'not_started', status, evidence, 'demo');
END $$;

-- The demo parcels the Lianshui items name, picked deterministically by code: low-efficiency plots of which the
-- report says some were revitalized and some are still in progress, and the plots used otherwise than planned.
CREATE TEMP TABLE ledger_pick ON COMMIT DROP AS
SELECT id, code, status, planned_use, actual_use, row_number() OVER (PARTITION BY status ORDER BY code) AS k
FROM parcel WHERE zone_code = 'LSKFQ';

CREATE FUNCTION pg_temp.picked(status text, first integer, last integer) RETURNS bigint[] LANGUAGE sql AS $$
    SELECT coalesce(array_agg(id ORDER BY code), '{}') FROM ledger_pick p WHERE p.status = picked.status AND p.k BETWEEN first AND last
$$;

SELECT pg_temp.ledger_item('LSKFQ', '1', 'reserves', 'completed', '关于集中连片工业用地问题',
    ARRAY['加强规划引领，结合项目招引实际和政府资金安排计划，每年至少动态保持1块500亩以上集中连片的工业用地净地储备'],
    '2024年已有3个500亩以上集中连片工业用地达到净地供应条件，其中总投资超百亿的阿特斯项目一期用地679亩已摘牌，并进场施工。',
    DATE '2024-08-31', NULL, true, targets => '[{"kind": "reserve_target", "year": 2024}]');
SELECT pg_temp.ledger_item('LSKFQ', '2-(1)', 'other', 'completed', '关于项目把关问题：招商引资项目前期论证、审核把关',
    ARRAY['成立信息研判小组，切实加强招商引资项目前期论证、审核把关'],
    '2024年1月份以来，多次召开项目研判会对近百个项目信息进行了研判，新签约一批前景好、质效高的企业并落户“一区三园”，其中百亿元项目1个。',
    DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '2-(2)', 'low_efficiency', 'in_progress', '关于项目把关问题：闲置地块、厂房未消化',
    ARRAY['梳理“一区三园”闲置地块、厂房情况', '通过盘活利用、项目招引、增资扩产、技改扩能，不断消化存量'],
    '2024年1-7月份通过技改扩能、合作开发等方式盘活活力饲料等低效工业用地8宗，还有快乐电源二期等4宗正在加快技改扩能。',
    DATE '2024-08-31', DATE '2024-12-31', false,
    parcel_ids => pg_temp.picked('revitalized', 1, 8) || pg_temp.picked('revitalizing', 1, 4),
    targets => '[{"kind": "parcels_in_status", "statuses": ["revitalized"]}]');
SELECT pg_temp.ledger_item('LSKFQ', '3-(1)', 'low_efficiency', 'completed', '关于低效用地和低效企业认定问题：未被认定为低效用地的企业',
    ARRAY['对未被认定为低效用地的12个企业基本情况进行摸排', '结合企业运行实际，制定“一企一策”提升方案'],
    '已对12个企业逐一摸排，制定了“一企一策”提升方案。', DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '3-(2)', 'low_efficiency', 'completed', '关于低效用地和低效企业认定问题：亩均税收较低的企业',
    ARRAY['对亩均税收较低的企业的税收情况进行排查梳理', '分类制定个性化提升方案'],
    '其中有13个被认定为低效企业，并结合这些企业运行情况，分类制定了个性化提升方案。', DATE '2024-08-31', DATE '2024-12-31', false,
    enterprise_codes => (SELECT coalesce(array_agg(s.recipient_credit_code ORDER BY p.code), '{}')
                         FROM parcel p JOIN parcel_supply s ON s.id = p.supply_id
                         WHERE p.zone_code = 'LSKFQ' AND p.status = 'low_efficiency'),
    targets => '[{"kind": "enterprises_evaluated", "year": 2025}]');
SELECT pg_temp.ledger_item('LSKFQ', '3-(3)', 'institutions', 'completed', '关于低效用地和低效企业认定问题：企业底数不清',
    ARRAY['对园区各企业生产经营情况进行摸排、整理、汇总', '建立《涟水经济开发区工业企业数据库》'],
    '已建立《涟水经济开发区工业企业数据库》，对企业的性质、产品、用地、用工、开票、税收等情况开展综合分析。',
    DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '4-(1)', 'other', 'completed', '关于产业规划问题：“一区三园”产业规划',
    ARRAY['完成“一区三园”产业规划编制，强化项目布局'],
    '2024年6月份完成了“一区三园”产业规划编制；2023年以来新招引项目110余个，4个产业集群集聚效应初步形成。',
    DATE '2024-08-31', DATE '2024-06-30', false);
SELECT pg_temp.ledger_item('LSKFQ', '4-(2)', 'use_change', 'completed', '关于产业规划问题：闲置低效资产处置',
    ARRAY['相关企业房屋交由县征收办拆除，拆为净地后交由属地街道管理，再由县资规局重新按商住用地挂牌'],
    '召开了闲置低效资产巡察攻坚专题会，明确了处置路径。', DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '5-(1)', 'use_change', 'completed', '关于用地结构问题：按规划建设',
    ARRAY['坚持按规划建设，维护规划的严肃性', '编制完成开发区产业规划方案'],
    '按照“以产业为主线，多规合一为抓手”的思路，编制完成开发区产业规划方案。', DATE '2024-08-31', DATE '2024-12-31', false,
    parcel_ids => (SELECT coalesce(array_agg(id ORDER BY code), '{}') FROM ledger_pick
                   WHERE actual_use IS NOT NULL AND NOT (actual_use LIKE planned_use || '%' OR planned_use LIKE actual_use || '%')),
    targets => '[{"kind": "use_mismatch_cleared"}]');
SELECT pg_temp.ledger_item('LSKFQ', '5-(2)', 'use_change', 'completed', '关于用地结构问题：工业用地占比偏低',
    ARRAY['将核心区235省道南侧和空港产业园汽车城东侧约1200亩地调整为工业用地'],
    '约1200亩地已调整为工业用地，增加了工业用地占比。', DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '6', 'low_efficiency', 'in_progress', '关于巡视巡察整改问题：闲置低效用地房屋问题未销号',
    ARRAY['坚持“问题销号机制”', '制定《涟水经济开发区低效工业用地盘活利用实施方案（试行）》，明确整改措施和完成时间',
          '经发、资规、新港公司等牵头部门严格按照整改方案和时间节点推进整改'],
    '2024年以来，上述低效工业用地中，已通过合作开发、技改提升、招商推介等方式完成盘活6宗，还有3宗正在督促企业通过技改扩能方式进行盘活。',
    DATE '2024-08-31', DATE '2024-12-31', false,
    parcel_ids => pg_temp.picked('revitalized', 9, 14) || pg_temp.picked('revitalizing', 5, 7),
    targets => '[{"kind": "parcels_in_status", "statuses": ["revitalized"]}, {"kind": "idle_land_cleared"}]');
SELECT pg_temp.ledger_item('LSKFQ', '7-(1)', 'institutions', 'completed', '关于组织保障问题：领导小组和工作专班',
    ARRAY['调整开发区低效闲置资源处置盘活领导小组', '组建低效工业用地盘活利用工作专班，下设六个工作组'],
    '已调整领导小组，组建了工作专班，下设综合协调组、集中连片土地储备组、新上项目质效组、厂中厂综合管理组、督查推进组、法务组。',
    DATE '2024-08-31', DATE '2024-03-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '7-(2)', 'low_efficiency', 'completed', '关于组织保障问题：盘活处置会议',
    ARRAY['定期召开盘活处置会议'], '2024年1月以来，已召开各类盘活处置会议6次，已盘活利用8宗低效工业用地。',
    DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '8', 'idle_land', 'in_progress', '关于收储资产使用问题',
    ARRAY['针对已收储的低效闲置用地房屋，制定盘活处置和利用方案，加快处置盘活进度'],
    '“原江苏守信助剂有限公司”地块已新签约江苏淮安涟泰再生资源有限公司项目，设备已进场安装；淮河木业房屋交由县征收办拆除，权证注销收回后由县资规局重新按商住用地挂牌。',
    DATE '2024-08-31', DATE '2024-12-31', false,
    parcel_ids => pg_temp.picked('idle', 1, 10), targets => '[{"kind": "idle_land_cleared"}]');
SELECT pg_temp.ledger_item('LSKFQ', '9', 'reserves', 'completed', '关于收储地块清理问题',
    ARRAY['根据招商引资项目用地需求，及时将相关收储地块清理形成净地'], '有效保障了6个新签约项目落地。',
    DATE '2024-08-31', DATE '2024-12-31', false, targets => '[{"kind": "no_raw_land_supplied", "since": "2024-01-25"}]');
SELECT pg_temp.ledger_item('LSKFQ', '10-(1)', 'institutions', 'completed', '关于考核激励问题：考核制度',
    ARRAY['出台《涟水经济开发区综合考核办法（试行）》，将低效闲置用地房屋处置盘活工作纳入开发区考核体系'],
    '已出台综合考核办法，盘活工作开展情况作为选人用人、评先评优的参考依据。', DATE '2024-08-31', DATE '2024-06-30', false);
SELECT pg_temp.ledger_item('LSKFQ', '10-(2)', 'institutions', 'completed', '关于考核激励问题：激励',
    ARRAY['对盘活利用低效用地工作成效突出的同志予以表彰'],
    '1名同志被评为第二季度“最优服务达人”，1名同志的低效用地盘活利用演讲在竞赛活动中被评为第一名。', DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '11-(1)', 'institutions', 'completed', '关于容错纠错问题：容错纠错机制',
    ARRAY['转发《淮安市进一步健全容错纠错机制的实施办法》和县纪委操作办法，组织学习'],
    '已转发并组织相关部门和单位人员进行了学习。', DATE '2024-08-31', DATE '2024-06-30', false);
SELECT pg_temp.ledger_item('LSKFQ', '11-(2)', 'institutions', 'completed', '关于容错纠错问题：排查',
    ARRAY['对2018年1月以来低效闲置用地房屋盘活处置情况进行排查', '及时上报需要申请容错免责情况'],
    '已组织相关部门和单位完成排查。', DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '12-(1)', 'contracts', 'completed', '关于协议规范签订问题：合同模板',
    ARRAY['重新制定《招商引资合同模板》，明确每个新签约项目的亩均投资强度、开票销售和入库税收不低于上级要求'],
    '已重新制定《招商引资合同模板》。', DATE '2024-08-31', DATE '2024-06-30', false);
SELECT pg_temp.ledger_item('LSKFQ', '12-(2)', 'contracts', 'completed', '关于协议规范签订问题：斯韦意项目合同',
    ARRAY['组织项目引资部门、投资方共同会商，按新合同模板重新签订项目招引合同'],
    '已重新签订项目招引合同，对亩均投资强度、开票销售和入库税收重新进行了约定。', DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '13-(1)', 'rent', 'completed', '关于租金问题：拖欠租金企业梳理',
    ARRAY['对拖欠租金的4个企业进行梳理，了解应缴、已缴和欠缴情况'], '已完成梳理。', DATE '2024-08-31', DATE '2024-06-30', false);
SELECT pg_temp.ledger_item('LSKFQ', '13-(2)', 'rent', 'in_progress', '关于租金问题：催收',
    ARRAY['通过上门走访、电话短信、书面告知、发催收函等方式进行催收'],
    '1家企业所欠的30万元租金已追缴到位，向2家企业发送了催收函，向法院起诉了1家企业。', DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '13-(3)', 'rent', 'completed', '关于租金问题：新签租赁合同',
    ARRAY['在新签订的租赁合同中明确租金支付方式和时间，并约定灵活的还款方式'], '新签合同已明确支付方式和时间。',
    DATE '2024-08-31', DATE '2024-12-31', false);
SELECT pg_temp.ledger_item('LSKFQ', '14-(1)', 'premises', 'completed', '关于平台公司自持房屋问题：底数',
    ARRAY['对在手房屋等资产上细排查，形成情况明细'], '已形成情况明细，做到了底数清、情况明。', DATE '2024-08-31', DATE '2024-06-30', false);
SELECT pg_temp.ledger_item('LSKFQ', '14-(2)', 'premises', 'in_progress', '关于平台公司自持房屋问题：闲置房屋盘活',
    ARRAY['通过公开招租等方式盘活在手的闲置房屋', '双创园1幢厂房屋面维修'],
    '已与1个单位签订租用电商园C区1600m2房屋的《租赁协议》，双创园1幢厂房屋面通过公开招标确定维修单位并进行维修，对剩余房屋发布了公开招租公告。',
    DATE '2024-08-31', DATE '2024-12-31', false);

-- Yongzhou: the report lists the measures as 一是…二是…; each becomes one measure.
CREATE FUNCTION pg_temp.yz(number text, category text, done boolean, problem text, progress text) RETURNS void LANGUAGE sql AS $$
    SELECT pg_temp.ledger_item('YZJK', number, category, CASE WHEN done THEN 'completed' ELSE 'phase_completed' END, problem,
        coalesce(nullif(array_remove(regexp_split_to_array(progress, '(?=[一二三四五六]是)'), ''), '{}'), ARRAY[progress]),
        progress, DATE '2023-12-15', CASE WHEN done THEN DATE '2023-12-31' END, NOT done)
$$;

SELECT pg_temp.yz('1', 'institutions', true, '“十四五”园区发展规划至今未按要求完成审批。',
    '已完成《永州经济技术开发区“十四五”发展规划》，报永州市政府审批并按程序报永州市人大审议同意后，已于8月报湖南省发改委备案。');
SELECT pg_temp.yz('2', 'low_efficiency', false, '亩均税收与全省亩均税收差距较大。',
    '一是强化招商质效，引进优质税源企业，在签订招商引资合同中约定缴税强度。二是加大企业培育力度，做大税收存量。三是加强政策宣传，加大税收监管和征收力度。');
SELECT pg_temp.yz('3', 'other', false, '在全省国家级园区中排位靠后。',
    '一是强化招商举措，创造园区增量。二是加大企业培育力度，挖掘园区存量，今年来新入统规模以上工业企业21家。三是推动排位晋升。');
SELECT pg_temp.yz('4', 'other', false, '科技创新能力弱。主要创新平台在运行体制、自身建设、产品研发和成果转化等方面成效不明显。',
    '一是优化运行体制。二是加强平台自身建设。三是产品研发和成果转化有进展。');
SELECT pg_temp.yz('5', 'institutions', false, '“一区两园”管理机制不顺。',
    '一是加强日常工作融合。二是加强请示汇报。三是积极推进管理体制改革，已列为全省四个改革试点园区之一。');
SELECT pg_temp.yz('6', 'institutions', true, '两个片区存在无序竞争。',
    '一是推动两个片区协调合作。二是坚持良性竞争原则。三是规范招商引资政策。四是进一步理顺体制机制。');
SELECT pg_temp.yz('7', 'institutions', true, '拨付企业奖补不规范。',
    '出台人才发展专项资金使用管理办法、招商引资优惠政策兑现管理办法，严格按照企业奖补相关规定和程序兑现奖补政策。');
SELECT pg_temp.yz('8', 'institutions', true, '“放管服”改革不到位。',
    '一是全面梳理需入驻政务大厅事项。二是做好事项入驻准备。三是推动需入驻事项全部入驻。');
SELECT pg_temp.yz('9', 'institutions', true, '主动服务有欠缺。某民营公司办理不动产证往返多次。',
    '一是严肃调查处理。二是优化不动产登记业务流程。三是加强监督考核。');
SELECT pg_temp.yz('10', 'other', true, '电力配套设施不完善，工业用电费用高。',
    '一是完善电力配套设施，新建10KV猎仁线、10KV猎油线。二是降低工业用电费用，建设屋顶光伏发电项目。');
SELECT pg_temp.yz('11', 'other', false, '现有污水处理厂超负荷运行。',
    '一是推进河东污水处理厂一期工程建设。二是推进工业污水处理厂一期工程建设。三是推进入河排污口方案论证。');
SELECT pg_temp.yz('12', 'other', true, '园区内适龄学生就学困难。',
    '一是挖潜增效，提高学位使用率。二是完成长丰小学扩建。三是加快推进骄阳小学搬迁。');
SELECT pg_temp.yz('13', 'premises', false, '完工即闲置。中国南方植物萃取技术中心（一期）工程项目2022年9月完工即闲置。',
    '一是多途径运用已建成的植物萃取中心厂房，一楼用于生物医药及大健康产业成果展示交易中心，二至四楼建成东盟博览会湖南会展中心。二是大力推广招商，形成品牌效应。三是引以为戒，坚决杜绝类似工程。');
SELECT pg_temp.yz('14', 'other', false, '投资即亏损。出资入股民营企业，投资处于亏损状态。',
    '一是完善制度机制，制定出台《股权投资管理办法》。二是严把投资决策关。三是加强工作监管，建立催收机制。');
SELECT pg_temp.yz('15', 'other', false, '投资民营企业的资金难以收回。',
    '一是成立工作专班。二是加强事件处置力度，已收回部分债券。三是加强教育管理。');
SELECT pg_temp.yz('16', 'use_change', false, '商业用地以居住用地挂牌出让；未完成拆迁情况下出让毛地。',
    '商业用地已经批复调整为居住用地；相关毛地的征地拆迁已基本完成；今后挂牌出让的土地严格落实净地出让制度。');
SELECT pg_temp.yz('17', 'contracts', false, '以产业扶持资金名义，返还某民营公司土地出让金。',
    '一是全力推动整改，暂停返还该项目所在企业的土地出让金。二是深入自查自纠，梳理以往与土地出让金挂钩的合同。三是建立长效机制。');
SELECT pg_temp.yz('18', 'use_change', false, '对工业用地监管不力。园区2家民营公司将新盖厂房分别租给某学校办学。',
    '一是加强调查处置。二是加强安全监管。三是督促相关学校尽快搬离厂房。四是强化规划引领，重新规划一块教育用地。');
SELECT pg_temp.yz('19', 'other', false, '拆迁安置不力，经开区还有不少应安置未安置情况。',
    '一是对未安置人员进行摸排统计。二是加快安置小区建设。三是加快推进安置分地及建房管理工作。');
SELECT pg_temp.yz('20', 'institutions', true, '对关键少数监督不到位。',
    '一是强化监督举措。二是常态化加强对关键少数监督。');
SELECT pg_temp.yz('21', 'institutions', true, '日常监督有缺失。', '一是开展专项整治，织密日常监督网络。二是完善日常监督方式。');
SELECT pg_temp.yz('22', 'institutions', false, '查办案件力度不够。',
    '一是开展存量问题线索清理处置专项行动。二是及时处置重大复杂问题线索。三是配齐配优建强区纪工委办案队伍。');
SELECT pg_temp.yz('23', 'institutions', true, '“三重一大”制度执行不到位。',
    '一是完善“三重一大”集体决策制度。二是严格落实“三重一大”事项集体决策等制度。');
SELECT pg_temp.yz('24', 'institutions', false, '专业人才缺乏。', '一是通过公开选调充实专业人才。二是通过人才引进充实专业人才。三是按要求推进园区改革。');
SELECT pg_temp.yz('25', 'other', false, '往来资金未及时结算。产投集团及所属子公司的往来资产未及时清理和结算。',
    '一是抓好单位往来款整改。二是抓好个人往来款整改，剩余往来款正在抓紧推进清理和结算。');
SELECT pg_temp.yz('26', 'other', false, '资金损失未追回。产投集团多支付某民营公司融资顾问费至今未追回。',
    '一是成立工作专班。二是收集有利证据。三是申请仲裁，永州市仲裁委已受理该案。四是吸取案件教训。');
