-- The rates seed converts to one reporting currency: fails when it names more than one.
select count(distinct reporting_currency) as reporting_currencies
from {{ ref('reporting_currency_rates') }}
having count(distinct reporting_currency) > 1
